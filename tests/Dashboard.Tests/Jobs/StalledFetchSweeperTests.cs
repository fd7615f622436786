using System.Globalization;
using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Channels.Jobs;
using AlertBroadcaster.ServiceDefaults;
using AlertBroadcaster.TestSupport;
using Hangfire;
using Hangfire.Common;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlertBroadcaster.Dashboard.Tests.Jobs;

/// <summary>
/// The sweeper against Hangfire's own PostgreSQL queue (scripts/servers.sh): a job taken by a
/// worker that never starts it goes back on the queue; a job taken and started stays where it is.
/// </summary>
public sealed class StalledFetchSweeperTests
{
    private static readonly string[] Queue = [DeliveryQueues.Email];

    [Fact]
    public async Task A_job_taken_but_never_started_goes_back_on_the_queue_at_the_second_sweep_and_a_running_one_stays()
    {
        // Hangfire's process-wide log provider, filters and activator are left pointing at the last
        // (disposed) app's services: this storage, client and server use none of them.
        GlobalConfiguration.Configuration.UseLogProvider(new Silent());
        var noFilters = new JobFilterCollection();
        var connectionString = DashboardApp.PostgresConnectionString($"alerts_test_{Guid.NewGuid():N}");
        PostgresDatabase.EnsureExists(connectionString);
        DeliveryJobs.InstallSchema(connectionString);
        var options = new PostgreSqlStorageOptions { SchemaName = DeliveryJobs.Schema, PrepareSchemaIfNecessary = false, UseSlidingInvisibilityTimeout = true };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        var client = new BackgroundJobClient(storage, noFilters);
        var stalled = client.Create(() => TestJobs.Batch(), new EnqueuedState(DeliveryQueues.Email));
        using var connection = storage.GetConnection();
        // Taken as a stuck worker takes it: claimed, never moved to Processing.
        using var heldByNobody = Take(connection);
        Assert.Equal(stalled, heldByNobody.JobId);

        // A real worker takes the next one and is still running it through the sweeps.
        var running = client.Create(() => TestJobs.Batch(), new EnqueuedState(DeliveryQueues.Email));
        var held = TestJobs.Hold();
        using var server = new BackgroundJobServer(new BackgroundJobServerOptions { Queues = Queue, WorkerCount = 1, FilterProvider = noFilters, Activator = new JobActivator() }, storage);
        using var releaseBeforeTheServerStops = held;
        await Poll.UntilAsync(() => Task.FromResult(connection.GetStateData(running).Name != EnqueuedState.StateName), what: $"job {running} taken");
        AssertRunning(connection, running);

        var sweeper = new StalledFetchSweeper(connectionString, TimeProvider.System, NullLogger<StalledFetchSweeper>.Instance);
        Assert.Empty(await sweeper.SweepAsync(CancellationToken.None)); // A first sighting: it may be starting.
        Assert.Equal([long.Parse(stalled, CultureInfo.InvariantCulture)], await sweeper.SweepAsync(CancellationToken.None));
        Assert.Empty(await sweeper.SweepAsync(CancellationToken.None)); // Seen afresh after the reset.

        // Free for the next worker; the running job was not offered again.
        using var retaken = Take(connection);
        Assert.Equal(stalled, retaken.JobId);
        AssertRunning(connection, running);
        using var nothingElse = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        Assert.ThrowsAny<OperationCanceledException>(() => connection.FetchNextJob(Queue, nothingElse.Token));
    }

    private static void AssertRunning(IStorageConnection connection, string job)
    {
        var state = connection.GetStateData(job);
        Assert.True(state.Name == ProcessingState.StateName, $"job {job} is {state.Name}: {state.Reason} {string.Join("; ", state.Data)}");
    }

    private static IFetchedJob Take(IStorageConnection connection)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return connection.FetchNextJob(Queue, deadline.Token);
    }

    private sealed class Silent : ILogProvider, ILog
    {
        public ILog GetLogger(string name) => this;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }

    /// <summary>What the jobs run: wait until the test lets them go.</summary>
    public static class TestJobs
    {
        private static readonly ManualResetEventSlim Released = new(true);

        public static IDisposable Hold()
        {
            Released.Reset();
            return new Release();
        }

        public static void Batch() => Released.Wait(TimeSpan.FromMinutes(2));

        private sealed class Release : IDisposable
        {
            public void Dispose() => Released.Set();
        }
    }
}
