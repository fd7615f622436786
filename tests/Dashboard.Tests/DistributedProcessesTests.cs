using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AlertBroadcaster.Dashboard.Tests.Email;
using AlertBroadcaster.Dashboard.Tests.Sms;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests;

/// <summary>
/// The production topology as separate OS processes on RabbitMQ and PostgreSQL: a staff-only
/// Dashboard, one Broadcaster and two Channels replicas.
/// </summary>
public sealed class DistributedProcessesTests : IAsyncLifetime
{
    private DistributedTopology _topology = null!;

    public async Task InitializeAsync() => _topology = await DistributedTopology.StartAsync();

    public async Task DisposeAsync() => await _topology.DisposeAsync();

    [Fact]
    public async Task Alert_created_in_the_dashboard_is_served_by_both_replicas_until_withdrawn()
    {
        var api = _topology.Dashboard.CreateApiClient();
        var id = (await api.CreateAlertAsync(new { headline = "Visiting suspended at the Horton", sites = new[] { "horton" } }))
            .GetProperty("id").GetGuid();

        await _topology.ReplicaA.CreateClient().WaitUntilInBannerAsync(id, "?site=horton");
        await _topology.ReplicaB.CreateClient().WaitUntilInBannerAsync(id, "?site=horton");

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/alerts/{id}/withdraw", null)).StatusCode);
        await _topology.ReplicaA.CreateClient().WaitUntilNotInBannerAsync(id, "?site=horton");
        await _topology.ReplicaB.CreateClient().WaitUntilNotInBannerAsync(id, "?site=horton");
    }

    [Fact]
    public async Task A_subscribe_form_from_one_replica_is_accepted_by_the_other()
    {
        // Behind a load balancer the form's page and its post often reach different replicas. The
        // anti-forgery token is sealed with data-protection keys, so the replicas must share them.
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var browser = new HttpClient(handler);
        var form = await browser.GetStringAsync(new Uri(_topology.ReplicaA.Address, "/subscribe"));
        var token = Antiforgery.TokenIn(form);

        var posted = await browser.PostAsync(new Uri(_topology.ReplicaB.Address, "/subscribe"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "across.replicas@example.com",
            ["__RequestVerificationToken"] = token,
        }));

        Assert.True(posted.StatusCode == HttpStatusCode.OK, $"replica B answered {(int)posted.StatusCode} to replica A's form\n{_topology.RecentOutput}");
        Assert.Contains("Check your email", await posted.Content.ReadAsStringAsync());
        await Poll.UntilAsync(() => Task.FromResult(_topology.Smtp.Recipients.Contains("across.replicas@example.com")), TimeSpan.FromSeconds(30), "the confirmation email");

        // The replicas started together on an empty database and still made one key between them
        // (two would each seal with their own, and read the other's only within their first minutes).
        await using var connection = new Npgsql.NpgsqlConnection(DashboardApp.PostgresConnectionString(_topology.Database));
        await connection.OpenAsync();
        await using var keys = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM \"{Channels.Storage.PostgresChannelsDbContext.Schema}\".\"DataProtectionKeys\"", connection);
        Assert.Equal(1L, await keys.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Two_replicas_together_never_exceed_the_shared_sms_rate_and_text_each_number_once()
    {
        var api = _topology.Dashboard.CreateApiClient();
        var imported = await api.ImportAsync(EmailTestCalls.Csv(Enumerable.Range(1, 300).Select(i => $",{Sms.SmsTestCalls.Mobile(i)},,")));
        Assert.Equal(300, imported.GetProperty("imported").GetInt32());

        var alert = await api.CreateSmsAlertAsync("Visiting suspended", smsText: "Visiting is suspended on all wards today.");
        await api.WaitForSmsCountsAsync(alert, c => c.Count("sent") == 300 && c.Count("pending") == 0, "300 texts at 20 a second", TimeSpan.FromSeconds(120));

        Assert.All(_topology.Sms.AcceptedPerNumber().Values, n => Assert.Equal(1, n));
        Assert.Equal(300, _topology.Sms.AcceptedPerNumber().Count);
        // Any one-second window at the provider, whichever replica sent: at most the configured 20.
        var busiest = _topology.Sms.MaxInAnyWindow(TimeSpan.FromSeconds(1));
        Assert.True(busiest is >= 1 and <= 20, $"{busiest} in one second; arrivals (ms): {string.Join(' ', _topology.Sms.Requests.Select(r => (int)r.ArrivedAt.TotalMilliseconds).Order())}");
        Assert.Contains("SMS batch", _topology.ReplicaA.Output + _topology.ReplicaB.Output);
    }

    [Fact]
    public Task Email_fan_out_shared_by_both_replicas_reaches_each_subscriber_once() =>
        _topology.Dashboard.CreateApiClient().SendToManyAndCheckEachGotItOnceAsync(_topology.Smtp, 1000, TimeSpan.FromMinutes(2));

    [Fact]
    public async Task Expiry_reaches_both_replicas()
    {
        // Long enough to be seen by both replicas first, even on a loaded machine.
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var id = (await _topology.Dashboard.CreateApiClient().CreateAlertAsync(new { headline = "Short alert", expiresAt })).GetProperty("id").GetGuid();

        await _topology.ReplicaA.CreateClient().WaitUntilInBannerAsync(id);
        await _topology.ReplicaB.CreateClient().WaitUntilInBannerAsync(id);
        await _topology.ReplicaA.CreateClient().WaitUntilNotInBannerAsync(id);
        await _topology.ReplicaB.CreateClient().WaitUntilNotInBannerAsync(id);
    }

    [Fact]
    public async Task A_banner_replica_with_inline_socket_completions_keeps_the_banner_and_feeds_current_and_serves_nothing_else()
    {
        var api = _topology.Dashboard.CreateApiClient();
        var earlier = new { headline = "Live before the banner replica started", sites = new[] { "horton" } };
        var earlierId = (await api.CreateAlertAsync(earlier)).GetProperty("id").GetGuid();
        await _topology.ReplicaA.CreateClient().WaitUntilInBannerAsync(earlierId, "?site=horton");

        var replica = await _topology.StartBannerReplicaAsync();
        var banner = replica.CreateClient();

        // It loads the shared store as it starts, then follows the bus: a new alert, an update, a withdrawal.
        Assert.Contains(earlierId, await banner.BannerIdsAsync("?site=horton"));
        var laterId = (await api.CreateAlertAsync(new { headline = "Published to a running banner replica", sites = new[] { "horton" } })).GetProperty("id").GetGuid();
        await banner.WaitUntilInBannerAsync(laterId, "?site=horton");
        var updated = await api.PutAsJsonAsync($"/api/alerts/{earlierId}", earlier with { headline = "Changed while the banner replica runs" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        await Poll.UntilAsync(async () => (await banner.GetStringAsync("/api/banner/current?site=horton")).Contains("Changed while the banner replica runs"),
            what: "the new revision's headline on the banner replica");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/alerts/{laterId}/withdraw", null)).StatusCode);
        await banner.WaitUntilNotInBannerAsync(laterId, "?site=horton");

        // The rest of what the websites read.
        Assert.Contains("Changed while the banner replica runs", await banner.GetStringAsync("/api/banner/current.html?site=horton"));
        Assert.Contains(earlierId.ToString(), await banner.GetStringAsync("/feeds/alerts.cap.xml"));
        Assert.Contains("Changed while the banner replica runs", await banner.GetStringAsync("/feeds/alerts.atom?site=horton"));
        Assert.Equal(HttpStatusCode.OK, (await banner.GetAsync("/banner.js")).StatusCode);

        // Nothing else: the forms and the provider webhooks are the full replicas', and it runs no delivery jobs.
        Assert.Equal(HttpStatusCode.NotFound, (await banner.GetAsync("/subscribe")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await banner.PostAsync("/sms/receipts/twilio", null)).StatusCode);
        var servers = await (await _topology.Dashboard.CreateSignedInClientAsync()).GetStringAsync("/hangfire/servers");
        Assert.Contains(_topology.JobServerName("a"), servers);
        Assert.DoesNotContain(_topology.JobServerName("banner"), servers);
        Assert.Equal(HttpStatusCode.OK, (await banner.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task An_alert_published_while_every_replica_is_down_is_served_by_both_once_they_are_back()
    {
        await _topology.ReplicaA.KillAsync();
        await _topology.ReplicaB.KillAsync();

        // Nobody stores it in the shared banner table: only the replicas' own queues hold it.
        var id = (await _topology.Dashboard.CreateApiClient().CreateAlertAsync(new { headline = "Published with every replica down" })).GetProperty("id").GetGuid();

        await _topology.StartReplicaAsync("a");
        await _topology.StartReplicaAsync("b");
        await _topology.ReplicaA.CreateClient().WaitUntilInBannerAsync(id);
        await _topology.ReplicaB.CreateClient().WaitUntilInBannerAsync(id);
    }

    [Fact]
    public async Task A_Broadcaster_stopped_with_SIGTERM_while_alerts_arrive_loses_none_of_them()
    {
        var api = _topology.Dashboard.CreateApiClient();
        var creating = Enumerable.Range(1, 20)
            .Select(i => api.PostAsJsonAsync("/api/alerts", new { headline = $"Created during shutdown {i}" }))
            .ToList();
        Assert.Equal(0, await _topology.Broadcaster.StopAsync());

        // Each was stored by the Broadcaster before it stopped (201) or queued by the Dashboard (202).
        var ids = new List<Guid>();
        foreach (var response in await Task.WhenAll(creating))
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted,
                $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{_topology.Dashboard.RecentOutput}");
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        await _topology.StartBroadcasterAsync();
        await Poll.UntilAsync(async () => (await _topology.ReplicaA.CreateClient().BannerIdsAsync()).Intersect(ids).Count() == ids.Count,
            TimeSpan.FromSeconds(90), "all 20 alerts in the banner");
    }

    [Fact]
    public async Task A_replica_stopped_with_SIGTERM_exits_cleanly_and_leaves_the_job_servers()
    {
        var admin = await _topology.Dashboard.CreateSignedInClientAsync();
        var replicaA = _topology.JobServerName("a");
        await Poll.UntilAsync(async () => (await admin.GetStringAsync("/hangfire/servers")).Contains(replicaA), what: "replica a's job server listed");

        Assert.Equal(0, await _topology.ReplicaA.StopAsync());

        // Deregistered on the way out (a killed process would linger until its heartbeat times out).
        Assert.DoesNotContain(replicaA, await admin.GetStringAsync("/hangfire/servers"));
    }

    [Fact]
    public async Task The_staff_only_dashboard_shows_the_job_servers_of_both_replicas()
    {
        var admin = await _topology.Dashboard.CreateSignedInClientAsync();
        await Poll.UntilAsync(async () =>
        {
            var servers = await admin.GetStringAsync("/hangfire/servers");
            return servers.Contains(_topology.JobServerName("a")) && servers.Contains(_topology.JobServerName("b"));
        }, what: "both replicas' job servers in the shared job storage");
    }

    [Fact]
    public async Task The_staff_only_dashboard_does_not_serve_the_banner() =>
        Assert.Equal(HttpStatusCode.NotFound, (await _topology.Dashboard.CreateClient().GetAsync("/api/banner/current")).StatusCode);
}
