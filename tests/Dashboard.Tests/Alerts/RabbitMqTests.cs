using System.Net;

namespace AlertBroadcaster.Dashboard.Tests.Alerts;

/// <summary>The embedded host on the real RabbitMQ (scripts/servers.sh starts it): the same flow, over the broker.</summary>
public sealed class RabbitMqTests : IAsyncLifetime
{
    private readonly DashboardApp _app = new() { UseRabbitMq = true };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Alert_goes_to_the_banner_and_is_withdrawn_over_RabbitMQ()
    {
        var api = _app.CreateApiClient();
        var id = (await api.CreateAlertAsync(new { kind = "FaceCoverings", headline = "Face coverings", sites = new[] { "churchill" } }))
            .GetProperty("id").GetGuid();
        var banner = _app.CreateClient();
        await banner.WaitUntilInBannerAsync(id, "?site=churchill");

        var withdrawn = await api.PostAsync($"/api/alerts/{id}/withdraw", null);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        await banner.WaitUntilNotInBannerAsync(id, "?site=churchill");
    }

    [Fact]
    public async Task Scheduled_alert_goes_live_over_RabbitMQ()
    {
        var api = _app.CreateApiClient();
        var effectiveFrom = DateTimeOffset.UtcNow.AddSeconds(5);
        var alert = await api.CreateAlertAsync(new { headline = "Visiting from 2pm", effectiveFrom });
        Assert.Equal("Scheduled", alert.GetProperty("status").GetString());

        await _app.CreateClient().WaitUntilInBannerAsync(alert.GetProperty("id").GetGuid());
        Assert.True(DateTimeOffset.UtcNow >= effectiveFrom);
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient().GetAsync("/health/ready")).StatusCode);
    }
}
