using System.Net;
using System.Net.Http.Headers;
using AlertBroadcaster.Dashboard.Tests.Email;
using AlertBroadcaster.Dashboard.Tests.Sms;
using AlertBroadcaster.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests.Metrics;

/// <summary>/metrics on the embedded host: what an alert's life adds to it, and who may read it.</summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly TestSmtpServer _smtp = TestSmtpServer.Start();
    private DashboardApp _app = null!;
    private WebApplicationFactory<Program> _host = null!;

    public Task InitializeAsync()
    {
        _app = new DashboardApp { Smtp = _smtp };
        _host = _app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter, TestNetwork>()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    /// <summary>The API key client, connecting from <paramref name="address"/>.</summary>
    private HttpClient ClientFrom(string address)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DashboardApp.ApiKey);
        client.DefaultRequestHeaders.Add(TestNetwork.Header, address);
        return client;
    }

    [Fact]
    public async Task An_email_alert_is_counted_published_sent_fanned_out_and_its_queue_lag_measured()
    {
        var api = ClientFrom("127.0.0.1");
        const int subscribers = 4;
        await api.ImportAsync(EmailTestCalls.Csv(Enumerable.Range(1, subscribers).Select(i => $"metrics{i}@example.com,,,")));
        var before = await Scrape.UntilAsync(api, s => !s.StartsWith("HTTP ", StringComparison.Ordinal), "a first scrape");

        var alert = await api.CreateEmailAlertAsync("Visiting restrictions at the John Radcliffe");
        await api.WaitUntilDeliveredAsync(alert, sent: subscribers);

        var after = await Scrape.UntilAsync(api,
            s => Scrape.Value(s, "alerts_fanout_duration_seconds_count", "channel=\"email\"") >= 1,
            "the email fan-out's duration to be recorded");
        Assert.True(Scrape.Value(after, "alerts_published_total", "event=\"went_live\"") >= 1, after);
        Assert.Equal(subscribers,
            Scrape.Value(after, "alerts_deliveries_sent_total", "channel=\"email\"") - Scrape.Value(before, "alerts_deliveries_sent_total", "channel=\"email\""));
        Assert.Equal(0, Scrape.Value(after, "alerts_deliveries_failed_total", "channel=\"email\""));
        Assert.Equal(1, Scrape.Value(after, "alerts_fanout_duration_seconds_count", "channel=\"email\""));
        Assert.True(Scrape.Value(after, "alerts_queue_lag_seconds_count", "message_type=\"AlertWentLive\"") >= 1, after);
        // No personal data in the labels.
        Assert.DoesNotContain("example.com", after);
        Assert.DoesNotContain(alert.ToString(), after);
    }

    [Fact]
    public async Task Deliveries_sent_are_counted_per_channel()
    {
        var api = ClientFrom("127.0.0.1");
        await api.ImportAsync(EmailTestCalls.Csv([$",{SmsTestCalls.Mobile(1)},,", $",{SmsTestCalls.Mobile(2)},,", $",{SmsTestCalls.Mobile(3)},,"]));
        var before = await Scrape.UntilAsync(api, s => !s.StartsWith("HTTP ", StringComparison.Ordinal), "a first scrape");

        var alert = await api.CreateSmsAlertAsync("Visiting suspended at the Horton", "Visiting is suspended at the Horton today.");
        await api.WaitForSmsCountsAsync(alert, c => c.Count("sent") == 3 && c.Count("pending") == 0, "three texts logged");

        var after = await Scrape.UntilAsync(api,
            s => Scrape.Value(s, "alerts_fanout_duration_seconds_count", "channel=\"sms\"") >= 1,
            "the SMS fan-out's duration to be recorded");
        Assert.Equal(3, Scrape.Value(after, "alerts_deliveries_sent_total", "channel=\"sms\"") - Scrape.Value(before, "alerts_deliveries_sent_total", "channel=\"sms\""));
        Assert.Equal(0, Scrape.Value(after, "alerts_deliveries_sent_total", "channel=\"email\""));
        Assert.Equal(0, Scrape.Value(after, "alerts_fanout_duration_seconds_count", "channel=\"email\""));
        Assert.DoesNotContain("+4474000", after);
    }

    [Fact]
    public async Task Metrics_are_shown_to_loopback_and_private_networks_only()
    {
        var client = _host.CreateClient();
        foreach (var address in new[] { "127.0.0.1", "::1", "::ffff:127.0.0.1", "10.20.30.40", "172.16.5.4", "192.168.1.10", "fd12:3456::1" })
        {
            var response = await client.SendAsync(TestNetwork.From(address));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{address}: {response.StatusCode}");
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        }

        foreach (var address in new[] { "203.0.113.7", "8.8.8.8", "172.32.0.1", "100.64.0.1", "2001:db8::1", "::ffff:8.8.8.8" })
        {
            var response = await client.SendAsync(TestNetwork.From(address));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{address}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Metrics_are_not_found_when_the_client_address_is_unknown()
    {
        // The in-process server reports no address, as a Unix socket would: refused, not assumed local.
        var response = await _host.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_are_not_found_through_a_proxy()
    {
        // Behind a reverse proxy every connection comes from the proxy's private address.
        var client = _host.CreateClient();
        foreach (var (header, value) in new[] { ("X-Forwarded-For", "203.0.113.7"), ("X-Forwarded-For", "127.0.0.1"), ("Forwarded", "for=203.0.113.7"), ("X-Real-IP", "203.0.113.7") })
        {
            var request = TestNetwork.From("10.0.0.2");
            request.Headers.Add(header, value);
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{header}: {value}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_allowed_networks_can_be_configured()
    {
        await using var host = _app.WithWebHostBuilder(b => b
            .UseSetting("Metrics:AllowedNetworks:0", "203.0.113.0/24")
            .ConfigureServices(s => s.AddSingleton<IStartupFilter, TestNetwork>()));
        var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(TestNetwork.From("203.0.113.7"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(TestNetwork.From("127.0.0.1"))).StatusCode);
    }
}
