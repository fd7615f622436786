using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.ServiceDefaults;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AlertBroadcaster.Channels.Jobs;

/// <summary>
/// Hangfire holds the delivery work (fan-out and batch jobs, with retries): SQLite
/// (<c>hangfire.db</c> in the data directory) embedded, the schema <c>hangfire</c> in PostgreSQL
/// when <c>ConnectionStrings:Postgres</c> is set, so every Channels replica shares one queue.
/// </summary>
public static class DeliveryJobs
{
    public const string Schema = "hangfire";

    /// <summary>How old an unreleased Hangfire lock must be before another process may take it (see the storage options below).</summary>
    public static readonly TimeSpan StaleLockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The job storage alone: enough to enqueue jobs and to show them at <c>/hangfire</c>. The
    /// staff-only Dashboard uses this to watch the Channels replicas' jobs without running any.
    /// </summary>
    public static IServiceCollection AddDeliveryJobStorage(this IServiceCollection services, IConfiguration configuration)
    {
        RefuseInlineSocketCompletions(Environment.GetEnvironmentVariable(InlineSocketCompletions));
        var migrate = configuration.GetValue($"{StorageOptions.Section}:Migrate", true);
        var postgres = configuration.PostgresConnectionString();
        var sqliteFile = postgres is null ? Path.Combine(configuration.DataDirectory(), "hangfire.db") : null;
        // How long a job taken by a process that then died waits before another takes it. On
        // PostgreSQL the worker running a job renews its claim every fifth of this (sliding), so a
        // batch slower than this on a loaded machine is not taken by a second worker and sent twice
        // (tests/…/Reliability: 818 repeats in a 20,000 fan-out before). SQLite's storage has no
        // sliding claim; embedded, one process runs every batch and none takes minutes.
        var invisibility = configuration.GetValue("Jobs:InvisibilityTimeout", TimeSpan.FromMinutes(5));
        services.AddHangfire(hangfire =>
        {
            hangfire
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (postgres is not null)
            {
                // The storage is built when first resolved, before the EF migrator has run.
                PostgresDatabase.EnsureExists(postgres);
                if (migrate)
                {
                    InstallSchema(postgres);
                }

                hangfire.UsePostgreSqlStorage(c => c.UseNpgsqlConnection(postgres), new PostgreSqlStorageOptions
                {
                    SchemaName = Schema,
                    PrepareSchemaIfNecessary = false,
                    // No LISTEN/NOTIFY. With it, every wait for a job starts a listener and, once a job
                    // is taken, cancels the listener's WaitAsync and waits for it to stop, still holding
                    // the job. In Npgsql 10.0.3 a cancellation that lands just before WaitAsync starts its
                    // read is lost (the read buffer swaps its cancelled token source for a fresh one), so
                    // the listener stops only at the next NOTIFY — at the end of a send there is none,
                    // and the batch waits with its claim renewed (see StalledFetchSweeper; cancelling
                    // WaitAsync has other open issues too, npgsql/npgsql#5975). A batch enqueued in this
                    // process still wakes an idle worker here at once; other replicas poll every second.
                    EnableLongPolling = false,
                    QueuePollInterval = TimeSpan.FromSeconds(1),
                    InvisibilityTimeout = invisibility,
                    UseSlidingInvisibilityTimeout = true,
                    EnableTransactionScopeEnlistment = true,
                    // A lock row whose holder lost its connection (a database restart, a killed process)
                    // between taking and releasing it stays until it is this old; every worker that then
                    // fetches that job waits on the job's state lock. The default, 10 minutes, held a batch
                    // back for all of it after a database restart (Reliability tests). This is below
                    // StalledFetchSweeper's minute, so the waiting worker starts the job before the sweeper
                    // puts it back for another. A state lock is held for milliseconds; the storage's
                    // expiration manager and the delayed-job scheduler may hold theirs longer, and a second
                    // process then runs alongside: harmless here (deletes of expired rows; scheduled jobs
                    // are re-checked under their own lock), and this system schedules no recurring jobs.
                    DistributedLockTimeout = StaleLockTimeout,
                });
            }
            else
            {
                // The default poll is 15 s: far too slow for an urgent alert. A batch takes well under a
                // second, so a worker that then idled for a 1 s poll left the SMTP connections idle half
                // the time (bench/email-fanout.sh: 0.19 of smtp-source at 1 s). A local file query is cheap.
                hangfire.UseSQLiteStorage(sqliteFile!, new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromMilliseconds(100), InvisibilityTimeout = invisibility });
            }
        });
        services.AddHealthChecks().AddCheck<JobStorageHealthCheck>("hangfire", tags: [HealthEndpoints.Ready]);
        return services;
    }

    /// <summary>
    /// Hangfire's tables, created or upgraded by one process at a time. The replicas and the
    /// Dashboard start together, and Hangfire's own install run side by side fails in one of them
    /// (a duplicate <c>CREATE SCHEMA</c>, logged as an error before its retry succeeds).
    /// </summary>
    public static void InstallSchema(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var lockSchema = new NpgsqlCommand($"SELECT pg_advisory_lock({SchemaLockKey})", connection))
        {
            lockSchema.ExecuteNonQuery();
        }

        try
        {
            PostgreSqlObjectsInstaller.Install(connection, Schema);
        }
        finally
        {
            using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({SchemaLockKey})", connection);
            unlock.ExecuteNonQuery();
        }
    }

    private const long SchemaLockKey = 7_243_318_806;

    /// <summary>The runtime's switch that runs socket completions on its socket threads rather than the thread pool.</summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Stops the start of a process that uses the delivery jobs' storage (Channels, the embedded
    /// Dashboard, the staff-only Dashboard's /hangfire) with <see cref="InlineSocketCompletions"/> on
    /// (the runtime reads only "1"). Hangfire's storage is synchronous: enqueuing a batch from async
    /// code (the fan-out after its database writes, the consumer that starts a send) then runs on a
    /// socket thread and waits for a database socket that the same thread must report ready. In a
    /// distributed email send with it on, no message went out: every worker stood still until
    /// Npgsql's timeouts (docs/benchmark-notes.md, session 18). Channels/Dockerfile set it until then;
    /// now only the banner replicas (<see cref="ChannelsRole.Banner"/>) run with it.
    /// </summary>
    public static void RefuseInlineSocketCompletions(string? value)
    {
        if (value == "1")
        {
            throw new InvalidOperationException(
                $"{InlineSocketCompletions}=1 is set, and this process uses the email and SMS delivery jobs' storage (Hangfire), " +
                "which makes synchronous database calls: with socket completions inline they can wait on their own socket thread " +
                $"and stop every delivery. Unset {InlineSocketCompletions}; only a banner replica ({ChannelsRoles.Key}=Banner), which runs no jobs, may have it.");
        }
    }

    /// <summary>The storage and a server that runs the jobs, one per Channels process.</summary>
    public static IServiceCollection AddDeliveryJobServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDeliveryJobStorage(configuration);
        if (configuration.PostgresConnectionString() is { } postgres)
        {
            services.AddHostedService(sp => ActivatorUtilities.CreateInstance<StalledFetchSweeper>(sp, postgres));
        }

        var name = $"channels-{HostInstance.From(configuration).Name}";
        // A stopping host lets running batches finish (they are short) before it exits.
        var shutdown = TimeSpan.FromSeconds(25);
        // Every server's workers report a batch Hangfire gives up on (GivenUpBatches).
        services.AddSingleton<GivenUpBatches>();
        services.AddHangfireServer((sp, o) =>
        {
            o.FilterProvider = GivenUpBatches.With(sp.GetRequiredService<GivenUpBatches>());
            o.ServerName = name;
            o.Queues = [DeliveryQueues.Default];
            o.WorkerCount = 4;
            o.ShutdownTimeout = shutdown;
        });
        // Email batches on their own workers: Email:Parallelism SMTP connections at most.
        services.AddHangfireServer((sp, o) =>
        {
            o.FilterProvider = GivenUpBatches.With(sp.GetRequiredService<GivenUpBatches>());
            o.ServerName = $"{name}-email";
            o.Queues = [DeliveryQueues.Email];
            o.WorkerCount = configuration.GetValue($"{EmailOptions.Section}:Parallelism", 4);
            o.ShutdownTimeout = shutdown;
        });
        // SMS batches spend most of their time waiting for the shared rate: they must not hold up the rest.
        services.AddHangfireServer((sp, o) =>
        {
            o.FilterProvider = GivenUpBatches.With(sp.GetRequiredService<GivenUpBatches>());
            o.ServerName = $"{name}-sms";
            o.Queues = [DeliveryQueues.Sms];
            o.WorkerCount = configuration.GetValue($"{SmsOptions.Section}:Parallelism", 2);
            o.ShutdownTimeout = shutdown;
        });
        return services;
    }
}

/// <summary>Ready only when the job storage answers.</summary>
internal sealed class JobStorageHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers().Count;
            return Task.FromResult(HealthCheckResult.Healthy($"{servers} job server(s)"));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The job storage does not answer.", ex));
        }
    }
}
