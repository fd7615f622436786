using AlertBroadcaster.Dashboard.Tests.Sms;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests;

/// <summary>
/// The production topology as separate OS processes on the real RabbitMQ and PostgreSQL: a
/// staff-only Dashboard, one Broadcaster and two Channels replicas, with an SMTP server and a fake
/// SMS provider. Each topology has a database of its own; a test may kill, stop and start any process.
/// </summary>
public sealed class DistributedTopology : IAsyncDisposable
{
    private readonly List<HostProcess> _processes = [];
    private readonly Dictionary<string, string> _settings;
    private readonly DirectoryInfo _homes = Directory.CreateTempSubdirectory("replica-homes-");

    private DistributedTopology(FakeSmsProvider sms, Dictionary<string, string> settings)
    {
        Sms = sms;
        _settings = settings;
    }

    public string Database { get; } = $"alerts_test_{Guid.NewGuid():N}";

    public TestSmtpServer Smtp { get; } = TestSmtpServer.Start();

    public FakeSmsProvider Sms { get; }

    public HostProcess Dashboard { get; private set; } = null!;

    public HostProcess Broadcaster { get; private set; } = null!;

    public HostProcess ReplicaA { get; private set; } = null!;

    public HostProcess ReplicaB { get; private set; } = null!;

    /// <summary>Starts every process; <paramref name="settings"/> (as environment variables, <c>__</c>) go to all of them.</summary>
    public static async Task<DistributedTopology> StartAsync(Dictionary<string, string>? settings = null)
    {
        // Receipts would need a public address for the replicas; they have their own tests.
        var sms = await FakeSmsProvider.StartAsync();
        sms.SendReceipts = false;
        var topology = new DistributedTopology(sms, settings ?? []);
        try
        {
            var staffOnly = topology.Engines();
            staffOnly["Hosting__Embedded"] = "false";
            var started = await HostProcess.StartAllAsync(
                ("Broadcaster", topology.Engines()), ("Channels", topology.ReplicaEnvironment("a")), ("Channels", topology.ReplicaEnvironment("b")), ("Dashboard", staffOnly));
            topology._processes.AddRange(started);
            (topology.Broadcaster, topology.ReplicaA, topology.ReplicaB, topology.Dashboard) = (started[0], started[1], started[2], started[3]);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    public HostProcess[] Replicas => [ReplicaA, ReplicaB];

    /// <summary>What every process is given: the shared engines, the test SMTP server and SMS provider.</summary>
    public Dictionary<string, string> Engines()
    {
        var environment = DashboardApp.SmtpSettings(Smtp).ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value);
        environment["ConnectionStrings__Postgres"] = DashboardApp.PostgresConnectionString(Database);
        environment["ConnectionStrings__RabbitMq"] = DashboardApp.RabbitMqConnectionString;
        environment["Email__BatchSize"] = "50";
        foreach (var (key, value) in SmsTestCalls.TwilioSettings(Sms, perSecond: 20))
        {
            environment[key.Replace(":", "__")] = value;
        }

        environment["Sms__BatchSize"] = "25";
        foreach (var (key, value) in _settings)
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>Replica "a" or "b" started again under its stable name (its own queue outlived it).</summary>
    public async Task<HostProcess> StartReplicaAsync(string name)
    {
        var replica = await HostProcess.StartAsync("Channels", ReplicaEnvironment(name));
        _processes.Add(replica);
        if (name == "a")
        {
            ReplicaA = replica;
        }
        else
        {
            ReplicaB = replica;
        }

        return replica;
    }

    /// <summary>
    /// A banner replica (<c>Channels:Role=Banner</c>) as the compose file runs one: socket completions
    /// inline, which a full replica refuses.
    /// </summary>
    public async Task<HostProcess> StartBannerReplicaAsync()
    {
        var environment = ReplicaEnvironment("banner");
        environment["Channels__Role"] = "Banner";
        environment[Channels.Jobs.DeliveryJobs.InlineSocketCompletions] = "1";
        var replica = await HostProcess.StartAsync("Channels", environment);
        _processes.Add(replica);
        return replica;
    }

    public async Task<HostProcess> StartBroadcasterAsync()
    {
        Broadcaster = await HostProcess.StartAsync("Broadcaster", Engines());
        _processes.Add(Broadcaster);
        return Broadcaster;
    }

    /// <summary>The name replica <paramref name="name"/>'s job server shows at /hangfire (queue-safe: '_' becomes '-').</summary>
    public string JobServerName(string name) => $"channels-{name}-{Database.Replace('_', '-')}";

    private Dictionary<string, string> ReplicaEnvironment(string name)
    {
        var environment = Engines();
        environment["Hosting__InstanceName"] = $"{name}-{Database}";
        // A home of its own, as a container or another machine has: nothing the replicas share on
        // disk by accident (ASP.NET Core keeps its data-protection keys under ~/.aspnet by default).
        environment["HOME"] = Directory.CreateDirectory(Path.Combine(_homes.FullName, name)).FullName;
        return environment;
    }

    /// <summary>The processes' last lines, for a failing test's message.</summary>
    public string RecentOutput => string.Join("\n\n", _processes.Select(p => p.RecentOutput));

    /// <summary>The delivery jobs' queue (Hangfire's rows, taken or not, with their job's state), every job's state and the locks held, for a failure message.</summary>
    public async Task<string> JobQueueAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(DashboardApp.PostgresConnectionString(Database));
        await connection.OpenAsync();
        await using var query = new Npgsql.NpgsqlCommand($"""
            SELECT 'queued ' || q.queue || ' job ' || q.jobid || ' ' || j.statename || coalesce(' taken at ' || q.fetchedat, '') FROM "{Channels.Jobs.DeliveryJobs.Schema}".jobqueue q JOIN "{Channels.Jobs.DeliveryJobs.Schema}".job j ON j.id = q.jobid
            UNION ALL SELECT count(*) || ' jobs ' || coalesce(statename, '(none)') FROM "{Channels.Jobs.DeliveryJobs.Schema}".job GROUP BY statename
            UNION ALL SELECT 'lock ' || resource || coalesce(' taken at ' || acquired, '') FROM "{Channels.Jobs.DeliveryJobs.Schema}".lock
            """, connection);
        await using var reader = await query.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join("\n", lines);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await Smtp.DisposeAsync();
        await Sms.DisposeAsync();
        _homes.Delete(recursive: true);
    }
}
