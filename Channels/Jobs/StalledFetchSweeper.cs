using Npgsql;

namespace AlertBroadcaster.Channels.Jobs;

/// <summary>
/// Puts back on its queue a job that a worker took from the PostgreSQL queue and then never
/// started. A worker moves the job it takes to Processing at once; a queue row still marked taken
/// while its job stays Enqueued, unchanged, from one sweep to the next (one to two
/// <see cref="Interval"/>s) is held by nobody. Hangfire.PostgreSql renews a taken row's claim
/// while the taking process lives (the sliding invisibility timeout), so without this such a batch
/// would wait until that process restarts: seen once in a distributed benchmark and once in CI,
/// 500 and 50 recipients left Pending, every worker idle. Clearing the row's claim also stops that
/// renewal (it matches the claim's time), and the delivery ledger skips anything already sent.
/// Every replica sweeps; the reset is conditional, so two sweeps never free a row twice.
/// </summary>
public sealed class StalledFetchSweeper(string connectionString, TimeProvider time, ILogger<StalledFetchSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private const string Taken = $"""
        SELECT q.id, q.jobid, q.queue, j.stateid
        FROM "{DeliveryJobs.Schema}".jobqueue q JOIN "{DeliveryJobs.Schema}".job j ON j.id = q.jobid
        WHERE q.fetchedat IS NOT NULL AND j.statename = 'Enqueued'
        """;

    private const string PutBack = $"""
        UPDATE "{DeliveryJobs.Schema}".jobqueue q SET fetchedat = NULL
        FROM "{DeliveryJobs.Schema}".job j
        WHERE q.id = @id AND q.fetchedat IS NOT NULL AND j.id = q.jobid AND j.stateid = @stateid
        """;

    /// <summary>Queue rows seen taken at the last sweep, with the Enqueued state their job was in.</summary>
    private Dictionary<long, TakenRow> _lastSeen = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database is away, say: the next sweep looks again (what it remembers still holds).
                // A safety net never takes the replica down with it.
                logger.LogWarning(ex, "Could not look for stalled delivery jobs");
            }
        }
    }

    /// <summary>One sweep: frees rows taken but not started since the last one; returns their job ids.</summary>
    public async Task<IReadOnlyList<long>> SweepAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var taken = new Dictionary<long, TakenRow>();
        await using (var query = new NpgsqlCommand(Taken, connection))
        await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                taken[reader.GetInt64(0)] = new TakenRow(reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3));
            }
        }

        var freed = new List<long>();
        foreach (var (id, row) in taken.Where(t => _lastSeen.GetValueOrDefault(t.Key) == t.Value).ToList())
        {
            await using var update = new NpgsqlCommand(PutBack, connection);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("stateid", row.StateId);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                logger.LogWarning("Job {JobId} was taken from the {Queue} queue but not started for over {Interval}: put back on the queue",
                    row.JobId, row.Queue, Interval);
                freed.Add(row.JobId);
            }

            // Seen afresh from here: whoever takes it next has a whole interval to start it.
            taken.Remove(id);
        }

        _lastSeen = taken;
        return freed;
    }

    private sealed record TakenRow(long JobId, string Queue, long StateId);
}
