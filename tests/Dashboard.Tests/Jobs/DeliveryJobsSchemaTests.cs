using AlertBroadcaster.Channels.Jobs;
using AlertBroadcaster.ServiceDefaults;
using Npgsql;

namespace AlertBroadcaster.Dashboard.Tests.Jobs;

/// <summary>Hangfire's tables on the real PostgreSQL (scripts/servers.sh), as processes starting together create them.</summary>
public sealed class DeliveryJobsSchemaTests
{
    [Fact]
    public async Task Four_processes_installing_the_job_schema_at_once_all_succeed_and_leave_it_complete()
    {
        var connectionString = DashboardApp.PostgresConnectionString($"alerts_test_{Guid.NewGuid():N}");
        PostgresDatabase.EnsureExists(connectionString);

        // Each start-up on a thread of its own, released together: without the lock, Hangfire's own
        // install fails in some of them (CREATE SCHEMA run twice at once).
        using var go = new ManualResetEventSlim();
        var installs = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            go.Wait();
            DeliveryJobs.InstallSchema(connectionString);
        }, TaskCreationOptions.LongRunning)).ToArray();
        go.Set();
        await Task.WhenAll(installs);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var version = new NpgsqlCommand($"""SELECT max(version) FROM "{DeliveryJobs.Schema}".schema""", connection);
        Assert.True(Convert.ToInt32(await version.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) >= 20,
            "the schema's version is Hangfire.PostgreSql's latest");
        await using var tables = new NpgsqlCommand($"""SELECT count(*) FROM information_schema.tables WHERE table_schema = '{DeliveryJobs.Schema}' AND table_name IN ('job', 'jobqueue', 'state', 'server')""", connection);
        Assert.Equal(4L, await tables.ExecuteScalarAsync());
    }
}
