using System.Net;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests.Metrics;

/// <summary>/metrics on the built programs, over real HTTP on loopback.</summary>
public sealed class MetricsProcessTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task The_program_serves_its_metrics_to_loopback_in_the_Prometheus_format_but_not_through_a_proxy()
    {
        await using var dashboard = await HostProcess.StartDashboardAsync(_data.Path);
        var api = dashboard.CreateApiClient();
        var alert = await api.CreateAlertAsync(new { headline = "Face coverings at the Churchill", kind = "FaceCoverings" });
        await api.WaitUntilInBannerAsync(alert.GetProperty("id").GetGuid());

        using var prometheus = new HttpClient { BaseAddress = dashboard.Address };
        var scrape = await Scrape.UntilAsync(prometheus,
            s => Scrape.Value(s, "alerts_published_total", "event=\"went_live\"") >= 1
                && Scrape.Value(s, "alerts_queue_lag_seconds_count", "message_type=\"AlertWentLive\"") >= 1,
            "the alert's publication and consumption in the scrape");
        Assert.Contains("# TYPE alerts_published_total counter", scrape);
        Assert.Contains("# TYPE alerts_queue_lag_seconds histogram", scrape);
        Assert.Contains("dotnet_", scrape); // the runtime's own metrics

        var response = await prometheus.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);

        // A public client's request as a reverse proxy on this machine would pass it on.
        using var proxied = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.7");
        Assert.Equal(HttpStatusCode.NotFound, (await prometheus.SendAsync(proxied)).StatusCode);
    }

    [Fact]
    public async Task A_Channels_replica_refuses_metrics_to_addresses_outside_its_configured_networks()
    {
        await using var channels = await HostProcess.StartAsync("Channels", new()
        {
            ["Storage__DataDirectory"] = _data.Path,
            // The scraper's network only: this test's loopback connection is then a stranger.
            ["Metrics__AllowedNetworks__0"] = "10.0.0.0/8",
        });
        using var client = new HttpClient { BaseAddress = channels.Address };

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/banner/current")).StatusCode);
    }
}
