using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests.Alerts;

/// <summary>RabbitMQ going away and coming back, with <see cref="Servers"/> as the fault injector.</summary>
public sealed class BrokerOutageTests : IAsyncLifetime
{
    private readonly DashboardApp _app = new() { UseRabbitMq = true, PostgresDatabase = $"alerts_test_{Guid.NewGuid():N}" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Servers.StartRabbitMqAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Go_live_during_an_outage_is_kept_in_the_outbox_and_reaches_the_banner_when_the_broker_is_back()
    {
        var api = _app.CreateApiClient();
        // Far enough ahead for the broker to be stopped first, even on a loaded machine.
        var effectiveFrom = DateTimeOffset.UtcNow.AddSeconds(10);
        var id = (await api.CreateAlertAsync(new { headline = "Goes live while the broker is down", effectiveFrom })).GetProperty("id").GetGuid();

        await Servers.StopRabbitMqAsync();
        Assert.True(DateTimeOffset.UtcNow < effectiveFrom, "The broker took longer to stop than the alert took to go live: the test proved nothing.");
        await Poll.UntilPastAsync(effectiveFrom.AddSeconds(2));
        Assert.DoesNotContain(id, await _app.CreateClient().BannerIdsAsync());

        await Servers.StartRabbitMqAsync();
        await Poll.UntilAsync(async () => (await _app.CreateClient().BannerIdsAsync()).Contains(id), TimeSpan.FromSeconds(60), "the alert in the banner after the outage");
    }

    [Fact]
    public async Task An_alert_created_while_the_broker_is_down_is_queued_and_published_when_it_is_back()
    {
        var api = _app.CreateApiClient();
        await _app.CreateClient().BannerIdsAsync(); // started, on the broker
        await Servers.StopRabbitMqAsync();

        var response = await api.PostAsJsonAsync("/api/alerts", new { headline = "Written while the broker is down" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Queued", queued.GetProperty("status").GetString());
        var id = queued.GetProperty("id").GetGuid();
        Assert.Equal($"/api/alerts/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Queued", (await api.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("status").GetString());

        await Servers.StartRabbitMqAsync();
        await Poll.UntilAsync(async () => (await _app.CreateClient().BannerIdsAsync()).Contains(id), TimeSpan.FromSeconds(90), "the queued alert in the banner");
        await Poll.UntilAsync(async () => (await api.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("status").GetString() == "Live",
            what: "the alert out of the queue and live");
    }

    [Fact]
    public async Task After_a_broker_restart_the_next_alert_flows()
    {
        var api = _app.CreateApiClient();
        var before = (await api.CreateAlertAsync(new { headline = "Before the restart" })).GetProperty("id").GetGuid();
        await _app.CreateClient().WaitUntilInBannerAsync(before);

        await Servers.StopRabbitMqAsync();
        await Servers.StartRabbitMqAsync();

        // Created at once (201) or, while the bus is still reconnecting, queued (202): either way it flows.
        var response = await api.PostAsJsonAsync("/api/alerts", new { headline = "After the restart" });
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Accepted });
        var after = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Poll.UntilAsync(async () => (await _app.CreateClient().BannerIdsAsync()).Contains(after), TimeSpan.FromSeconds(90), "the new alert in the banner");
    }
}
