using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests.Alerts;

/// <summary>RabbitMQ going away and coming back, with scripts/servers.sh as the fault injector.</summary>
public sealed class BrokerOutageTests : IAsyncLifetime
{
    private readonly DashboardApp _app = new() { UseRabbitMq = true, PostgresDatabase = $"alerts_test_{Guid.NewGuid():N}" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await BrokerAsync("rabbitmq-up");
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Go_live_during_an_outage_is_kept_in_the_outbox_and_reaches_the_banner_when_the_broker_is_back()
    {
        var api = _app.CreateApiClient();
        var effectiveFrom = DateTimeOffset.UtcNow.AddSeconds(2);
        var id = (await api.CreateAlertAsync(new { headline = "Goes live while the broker is down", effectiveFrom })).GetProperty("id").GetGuid();

        await BrokerAsync("rabbitmq-down");
        await Poll.UntilPastAsync(effectiveFrom.AddSeconds(2));
        Assert.DoesNotContain(id, await _app.CreateClient().BannerIdsAsync());

        await BrokerAsync("rabbitmq-up");
        await Poll.UntilAsync(async () => (await _app.CreateClient().BannerIdsAsync()).Contains(id), TimeSpan.FromSeconds(60), "the alert in the banner after the outage");
    }

    [Fact]
    public async Task After_a_broker_restart_the_next_alert_flows()
    {
        var api = _app.CreateApiClient();
        var before = (await api.CreateAlertAsync(new { headline = "Before the restart" })).GetProperty("id").GetGuid();
        await _app.CreateClient().WaitUntilInBannerAsync(before);

        await BrokerAsync("rabbitmq-down");
        await BrokerAsync("rabbitmq-up");

        // While the bus reconnects the API answers 503 (nothing stored); then it works again.
        var created = await Poll.UntilAsync(
            () => api.PostAsJsonAsync("/api/alerts", new { headline = "After the restart" }),
            response => response.StatusCode == HttpStatusCode.Created,
            TimeSpan.FromSeconds(90), "the API to accept alerts again");
        var after = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        await Poll.UntilAsync(async () => (await _app.CreateClient().BannerIdsAsync()).Contains(after), TimeSpan.FromSeconds(60), "the new alert in the banner");
    }

    private static async Task BrokerAsync(string command)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "scripts", "servers.sh")))
        {
            root = root.Parent!;
        }

        using var process = Process.Start(new ProcessStartInfo("bash", $"scripts/servers.sh {command}") { WorkingDirectory = root.FullName })!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }
}
