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
    private readonly List<HostProcess> _processes = [];
    private HostProcess _dashboard = null!;
    private HostProcess _broadcaster = null!;
    private HostProcess _replicaA = null!;
    private HostProcess _replicaB = null!;
    private readonly string _database = $"alerts_test_{Guid.NewGuid():N}";
    private readonly TestSmtpServer _smtp = TestSmtpServer.Start();
    private FakeSmsProvider _sms = null!;

    private Dictionary<string, string> Engines()
    {
        var environment = DashboardApp.SmtpSettings(_smtp).ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value);
        environment["ConnectionStrings__Postgres"] = DashboardApp.PostgresConnectionString(_database);
        environment["ConnectionStrings__RabbitMq"] = DashboardApp.RabbitMqConnectionString;
        environment["Email__BatchSize"] = "50";
        foreach (var (key, value) in Sms.SmsTestCalls.TwilioSettings(_sms, perSecond: 20))
        {
            environment[key.Replace(":", "__")] = value;
        }

        environment["Sms__BatchSize"] = "25";
        return environment;
    }

    /// <summary>A Channels replica with a stable name (its own queue outlives a restart).</summary>
    private Task<HostProcess> StartReplicaAsync(string name) => HostProcess.StartAsync("Channels", ReplicaEnvironment(name));

    private Dictionary<string, string> ReplicaEnvironment(string name)
    {
        var environment = Engines();
        environment["Hosting__InstanceName"] = $"{name}-{_database}";
        return environment;
    }

    public async Task InitializeAsync()
    {
        // Receipts would need a public address for the replicas; they have their own tests.
        _sms = await FakeSmsProvider.StartAsync();
        _sms.SendReceipts = false;
        var staffOnly = Engines();
        staffOnly["Hosting__Embedded"] = "false";
        var started = await HostProcess.StartAllAsync(
            ("Broadcaster", Engines()), ("Channels", ReplicaEnvironment("a")), ("Channels", ReplicaEnvironment("b")), ("Dashboard", staffOnly));
        _processes.AddRange(started);
        (_broadcaster, _replicaA, _replicaB, _dashboard) = (started[0], started[1], started[2], started[3]);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await _smtp.DisposeAsync();
        await _sms.DisposeAsync();
    }

    [Fact]
    public async Task Alert_created_in_the_dashboard_is_served_by_both_replicas_until_withdrawn()
    {
        var api = _dashboard.CreateApiClient();
        var id = (await api.CreateAlertAsync(new { headline = "Visiting suspended at the Horton", sites = new[] { "horton" } }))
            .GetProperty("id").GetGuid();

        await _replicaA.CreateClient().WaitUntilInBannerAsync(id, "?site=horton");
        await _replicaB.CreateClient().WaitUntilInBannerAsync(id, "?site=horton");

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/alerts/{id}/withdraw", null)).StatusCode);
        await _replicaA.CreateClient().WaitUntilNotInBannerAsync(id, "?site=horton");
        await _replicaB.CreateClient().WaitUntilNotInBannerAsync(id, "?site=horton");
    }

    [Fact]
    public async Task Two_replicas_together_never_exceed_the_shared_sms_rate_and_text_each_number_once()
    {
        var api = _dashboard.CreateApiClient();
        var imported = await api.ImportAsync(EmailTestCalls.Csv(Enumerable.Range(1, 300).Select(i => $",{Sms.SmsTestCalls.Mobile(i)},,")));
        Assert.Equal(300, imported.GetProperty("imported").GetInt32());

        var alert = await api.CreateSmsAlertAsync("Visiting suspended", smsText: "Visiting is suspended on all wards today.");
        await api.WaitForSmsCountsAsync(alert, c => c.Count("sent") == 300 && c.Count("pending") == 0, "300 texts at 20 a second", TimeSpan.FromSeconds(120));

        Assert.All(_sms.AcceptedPerNumber().Values, n => Assert.Equal(1, n));
        Assert.Equal(300, _sms.AcceptedPerNumber().Count);
        // Any one-second window at the provider, whichever replica sent: at most the configured 20.
        var busiest = _sms.MaxInAnyWindow(TimeSpan.FromSeconds(1));
        Assert.True(busiest is >= 1 and <= 20, $"{busiest} in one second; arrivals (ms): {string.Join(' ', _sms.Requests.Select(r => (int)r.ArrivedAt.TotalMilliseconds).Order())}");
        Assert.Contains("SMS batch", _replicaA.RecentOutput + _replicaB.RecentOutput);
    }

    [Fact]
    public Task Email_fan_out_shared_by_both_replicas_reaches_each_subscriber_once() =>
        _dashboard.CreateApiClient().SendToManyAndCheckEachGotItOnceAsync(_smtp, 1000, TimeSpan.FromMinutes(2));

    [Fact]
    public async Task Expiry_reaches_both_replicas()
    {
        // Long enough to be seen by both replicas first, even on a loaded machine.
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var id = (await _dashboard.CreateApiClient().CreateAlertAsync(new { headline = "Short alert", expiresAt })).GetProperty("id").GetGuid();

        await _replicaA.CreateClient().WaitUntilInBannerAsync(id);
        await _replicaB.CreateClient().WaitUntilInBannerAsync(id);
        await _replicaA.CreateClient().WaitUntilNotInBannerAsync(id);
        await _replicaB.CreateClient().WaitUntilNotInBannerAsync(id);
    }

    [Fact]
    public async Task An_alert_published_while_every_replica_is_down_is_served_by_both_once_they_are_back()
    {
        await _replicaA.KillAsync();
        await _replicaB.KillAsync();

        // Nobody stores it in the shared banner table: only the replicas' own queues hold it.
        var id = (await _dashboard.CreateApiClient().CreateAlertAsync(new { headline = "Published with every replica down" })).GetProperty("id").GetGuid();

        _replicaA = await StartReplicaAsync("a");
        _processes.Add(_replicaA);
        _replicaB = await StartReplicaAsync("b");
        _processes.Add(_replicaB);
        await _replicaA.CreateClient().WaitUntilInBannerAsync(id);
        await _replicaB.CreateClient().WaitUntilInBannerAsync(id);
    }

    [Fact]
    public async Task A_Broadcaster_stopped_with_SIGTERM_while_alerts_arrive_loses_none_of_them()
    {
        var api = _dashboard.CreateApiClient();
        var creating = Enumerable.Range(1, 20)
            .Select(i => api.PostAsJsonAsync("/api/alerts", new { headline = $"Created during shutdown {i}" }))
            .ToList();
        Assert.Equal(0, await _broadcaster.StopAsync());

        // Each was stored by the Broadcaster before it stopped (201) or queued by the Dashboard (202).
        var ids = new List<Guid>();
        foreach (var response in await Task.WhenAll(creating))
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted,
                $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{_dashboard.RecentOutput}");
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        _broadcaster = await HostProcess.StartAsync("Broadcaster", Engines());
        _processes.Add(_broadcaster);
        await Poll.UntilAsync(async () => (await _replicaA.CreateClient().BannerIdsAsync()).Intersect(ids).Count() == ids.Count,
            TimeSpan.FromSeconds(90), "all 20 alerts in the banner");
    }

    [Fact]
    public async Task A_replica_stopped_with_SIGTERM_exits_cleanly_and_leaves_the_job_servers()
    {
        var admin = await _dashboard.CreateSignedInClientAsync();
        var replicaA = $"channels-a-{_database.Replace('_', '-')}";
        await Poll.UntilAsync(async () => (await admin.GetStringAsync("/hangfire/servers")).Contains(replicaA), what: "replica a's job server listed");

        Assert.Equal(0, await _replicaA.StopAsync());

        // Deregistered on the way out (a killed process would linger until its heartbeat times out).
        Assert.DoesNotContain(replicaA, await admin.GetStringAsync("/hangfire/servers"));
    }

    [Fact]
    public async Task The_staff_only_dashboard_shows_the_job_servers_of_both_replicas()
    {
        var admin = await _dashboard.CreateSignedInClientAsync();
        await Poll.UntilAsync(async () =>
        {
            var servers = await admin.GetStringAsync("/hangfire/servers");
            // Instance names are queue-safe: lower case, '_' becomes '-'.
            var database = _database.Replace('_', '-');
            return servers.Contains($"channels-a-{database}") && servers.Contains($"channels-b-{database}");
        }, what: "both replicas' job servers in the shared job storage");
    }

    [Fact]
    public async Task The_staff_only_dashboard_does_not_serve_the_banner() =>
        Assert.Equal(HttpStatusCode.NotFound, (await _dashboard.CreateClient().GetAsync("/api/banner/current")).StatusCode);
}
