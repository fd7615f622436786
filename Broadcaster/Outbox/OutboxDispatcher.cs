using AlertBroadcaster.Broadcaster.Storage;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlertBroadcaster.Broadcaster.Outbox;

/// <summary>
/// Publishes outbox rows in the order they were written, then marks them dispatched. A crash
/// between publish and mark publishes the row again on start: consumers already tolerate
/// duplicates (they keep the newest revision per alert).
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IBus bus,
    WakeUpSignal<OutboxDispatcher> signal,
    PublishedEventMetrics metrics,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The bus starts with the host; publish only once every hosted service is up.
        await lifetime.WaitForStartAsync(stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Outbox dispatch failed; retrying shortly");
            }

            await signal.WaitAsync(PollInterval, stoppingToken);
        }
    }

    /// <summary>Publishes up to one batch; returns how many rows it published.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        // On PostgreSQL several Broadcasters may dispatch at once: each locks the rows it takes
        // and skips rows another holds, so a row is published by one of them.
        await using var transaction = db.Database.IsNpgsql() ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var pending = transaction is null
            ? await db.OutboxMessages.Where(m => m.DispatchedAt == null).OrderBy(m => m.Id).Take(BatchSize).ToListAsync(cancellationToken)
            : await LockedBatch(db).ToListAsync(cancellationToken);

        foreach (var row in pending)
        {
            var (message, type) = Outbox.Read(row);
            await bus.PublishWithinDeadlineAsync(message, type, cancellationToken);
            metrics.Published(type);
            row.DispatchedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Published {MessageType} for alert {AlertId}", type.Name, row.AlertId);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return pending.Count;
    }

    private static IQueryable<OutboxMessage> LockedBatch(AlertsDbContext db)
    {
        var table = db.Model.FindEntityType(typeof(OutboxMessage))!;
        var sql = $"SELECT * FROM \"{table.GetSchema()}\".\"{table.GetTableName()}\" WHERE \"DispatchedAt\" IS NULL ORDER BY \"Id\" LIMIT {BatchSize} FOR UPDATE SKIP LOCKED";
        return db.OutboxMessages.FromSqlRaw(sql);
    }
}
