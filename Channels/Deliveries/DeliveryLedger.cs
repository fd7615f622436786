using System.Text.Json;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace AlertBroadcaster.Channels.Deliveries;

/// <summary>Sends and their per-recipient rows: starting, cancelling, counting, retrying.</summary>
public sealed class DeliveryLedger(ChannelsDbContext db, IPublishEndpoint publish, DeliveryMetrics metrics, DeliveryProgressThrottle throttle, TimeProvider time)
{
    /// <summary>Starts a send, or returns null when this one was already started (a redelivered event).</summary>
    public async Task<AlertSend?> StartAsync(AlertSnapshot alert, int revision, AlertChannel channel, SendPurpose purpose, CancellationToken cancellationToken)
    {
        if (await db.Sends.AnyAsync(s => s.AlertId == alert.Id && s.Revision == revision && s.Channel == channel && s.Purpose == purpose, cancellationToken)
            || (purpose != SendPurpose.Withdrawal && await db.EndedAlerts.AnyAsync(e => e.AlertId == alert.Id, cancellationToken)))
        {
            return null;
        }

        var send = new AlertSend { AlertId = alert.Id, Revision = revision, Channel = channel, Purpose = purpose, Alert = alert, CreatedAt = time.GetUtcNow() };
        db.Sends.Add(send);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return send;
        }
        catch (DbUpdateException)
        {
            // Two replicas took the same event at once: the other one started it.
            db.ChangeTracker.Clear();
            return null;
        }
    }

    /// <summary>
    /// A Pending row of the send for each of these subscribers who has none yet, in one statement:
    /// the alert, revision and channel are copied from the send's own row. A fan-out writes 100,000
    /// rows through here; as tracked entities they cost about as much CPU as sending the messages.
    /// </summary>
    public Task AddPendingAsync(long sendId, IReadOnlyList<long> subscriberIds, CancellationToken cancellationToken)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        string C(string column) => sql.DelimitIdentifier(column);
        // The ids as one parameter: a JSON array read by json_each on SQLite, a bigint[] unnested on PostgreSQL.
        var (ids, source) = db.Database.IsNpgsql()
            ? ((object)subscriberIds.ToArray(), "unnest({0}) AS ids(value)")
            : (JsonSerializer.Serialize(subscriberIds), "json_each({0}) AS ids");
        // "WHERE" before "ON CONFLICT" is needed by SQLite's parser after a SELECT with a join.
        var insert = $$"""
            INSERT INTO {{db.TableOf<Delivery>()}} ({{C("SendId")}}, {{C("AlertId")}}, {{C("Revision")}}, {{C("Channel")}}, {{C("SubscriberId")}}, {{C("Status")}})
            SELECT s.{{C("Id")}}, s.{{C("AlertId")}}, s.{{C("Revision")}}, s.{{C("Channel")}}, ids.value, {1}
            FROM {{db.TableOf<AlertSend>()}} AS s, {{source}}
            WHERE s.{{C("Id")}} = {2}
            ON CONFLICT ({{C("SendId")}}, {{C("SubscriberId")}}) DO NOTHING
            """;
        return db.Database.ExecuteSqlRawAsync(insert, [ids, nameof(DeliveryStatus.Pending), sendId], cancellationToken);
    }

    /// <summary>The alert was withdrawn or expired: it never goes out again (see <see cref="EndedAlert"/>).</summary>
    public async Task EndAsync(Guid alertId, AlertChannel channel, CancellationToken cancellationToken)
    {
        if (!await db.EndedAlerts.AnyAsync(e => e.AlertId == alertId, cancellationToken))
        {
            db.EndedAlerts.Add(new EndedAlert { AlertId = alertId, EndedAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Recorded by another replica (or the other channel) a moment ago.
            }

            db.ChangeTracker.Clear();
        }

        await CancelAsync(alertId, channel, cancellationToken);
    }

    /// <summary>Whether a send must stop: cancelled, or (unless it is the withdrawal note) its alert ended.</summary>
    public Task<bool> IsStoppedAsync(long sendId, CancellationToken cancellationToken) =>
        db.Sends.AnyAsync(s => s.Id == sendId
            && (s.Cancelled || (s.Purpose != SendPurpose.Withdrawal && db.EndedAlerts.Any(e => e.AlertId == s.AlertId))), cancellationToken);

    /// <summary>Stops every send of the alert on the channel (except <paramref name="keep"/>): batches not yet sent stop.</summary>
    public async Task CancelAsync(Guid alertId, AlertChannel channel, CancellationToken cancellationToken, long? keep = null)
    {
        var cancelled = await db.Sends
            .Where(s => s.AlertId == alertId && s.Channel == channel && !s.Cancelled && s.Id != keep)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Cancelled, true), cancellationToken);
        if (cancelled > 0)
        {
            await db.Deliveries
                .Where(d => d.AlertId == alertId && d.Channel == channel && d.Status == DeliveryStatus.Pending && d.SendId != keep)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Cancelled), cancellationToken);
            await PublishProgressAsync(alertId, channel, cancellationToken);
        }
    }

    /// <summary>The newest send of the alert on the channel, for a withdrawal note's text.</summary>
    public Task<AlertSend?> LatestAsync(Guid alertId, AlertChannel channel, CancellationToken cancellationToken) =>
        db.Sends.AsNoTracking().Where(s => s.AlertId == alertId && s.Channel == channel && s.Purpose != SendPurpose.Withdrawal)
            .OrderByDescending(s => s.Revision).ThenByDescending(s => s.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Failed rows of sends still going (not cancelled) back to Pending, and the batches to send them
    /// in: at most <paramref name="batchSize"/> of them each, and never a range holding a row that was
    /// Pending already. A batch sends every Pending row of its range, so a retry pressed mid-send must
    /// not reach into a batch still to run (or running) and email those people a second time.
    /// </summary>
    public async Task<RetryBatches> ResetFailedAsync(Guid alertId, AlertChannel channel, int batchSize, CancellationToken cancellationToken)
    {
        var failed = await db.Deliveries
            .Where(d => d.AlertId == alertId && d.Channel == channel && d.Status == DeliveryStatus.Failed
                && db.Sends.Any(s => s.Id == d.SendId && !s.Cancelled))
            .Select(d => new { d.SendId, d.Id })
            .ToListAsync(cancellationToken);
        var batches = new List<(long SendId, long From, long To)>();
        foreach (var send in failed.GroupBy(f => f.SendId))
        {
            var ids = send.Select(f => f.Id).Order().ToList();
            var (first, last) = (ids[0], ids[^1]);
            // Read before the reset below, which makes the failed ones Pending too.
            var pending = await db.Deliveries
                .Where(d => d.SendId == send.Key && d.Status == DeliveryStatus.Pending && d.Id > first && d.Id < last)
                .Select(d => d.Id).OrderBy(id => id).ToListAsync(cancellationToken);
            batches.AddRange(RetryRanges(ids, pending, batchSize).Select(r => (send.Key, r.From, r.To)));
        }

        var reset = failed.Select(f => f.Id).ToList();
        foreach (var chunk in reset.Chunk(1000))
        {
            await db.Deliveries.Where(d => chunk.Contains(d.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.Error, (string?)null), cancellationToken);
        }

        return new RetryBatches(reset.Count, batches);
    }

    /// <summary>
    /// Ranges [From, To] over <paramref name="failed"/> (ascending): at most <paramref name="batchSize"/>
    /// ids each, cut wherever one of <paramref name="pending"/> (ascending) lies between two of them.
    /// </summary>
    public static IEnumerable<(long From, long To)> RetryRanges(IReadOnlyList<long> failed, IReadOnlyList<long> pending, int batchSize)
    {
        var (start, next) = (0, 0);
        for (var i = 1; i <= failed.Count; i++)
        {
            while (next < pending.Count && pending[next] < failed[i - 1])
            {
                next++;
            }

            if (i == failed.Count || i - start == batchSize || (next < pending.Count && pending[next] < failed[i]))
            {
                yield return (failed[start], failed[i - 1]);
                start = i;
            }
        }
    }

    /// <summary>
    /// A batch Hangfire gave up on: its rows still Pending become Failed with why, and progress is
    /// reported. A text's row keeps its claim: a run of the same job still trying it (one Hangfire
    /// started while another waited out an outage) records what becomes of it (SendSmsBatchJob).
    /// </summary>
    public async Task GiveUpBatchAsync(long sendId, long fromDeliveryId, long toDeliveryId, string error, CancellationToken cancellationToken)
    {
        var send = await db.Sends.AsNoTracking().SingleAsync(s => s.Id == sendId, cancellationToken);
        await db.Deliveries.Where(d => d.SendId == sendId && d.Id >= fromDeliveryId && d.Id <= toDeliveryId && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.Error, error), cancellationToken);
        await PublishProgressAsync(send.AlertId, send.Channel, cancellationToken);
    }

    public async Task<DeliveryCounts> CountAsync(Guid alertId, AlertChannel channel, CancellationToken cancellationToken)
    {
        var byStatus = await db.Deliveries
            .Where(d => d.AlertId == alertId && d.Channel == channel)
            .GroupBy(d => d.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        int Of(DeliveryStatus status) => byStatus.FirstOrDefault(s => s.Status == status)?.Count ?? 0;
        return new DeliveryCounts(Of(DeliveryStatus.Sent) + Of(DeliveryStatus.Delivered), Of(DeliveryStatus.Delivered), Of(DeliveryStatus.Failed), Of(DeliveryStatus.Pending));
    }

    /// <summary>
    /// A batch has stopped (done, failed or cancelled). While anything of the alert on the channel is
    /// still pending, progress is reported within a second, coalesced with other batches' (a cheap
    /// indexed look instead of a count of every row after each batch: a tenth of the sending
    /// process's CPU in a 100,000-recipient send). When nothing is, this may be the send's end, so
    /// the report is made at once.
    /// </summary>
    public async Task ReportBatchEndAsync(Guid alertId, AlertChannel channel, CancellationToken cancellationToken)
    {
        if (await db.Deliveries.AnyAsync(d => d.AlertId == alertId && d.Channel == channel && d.Status == DeliveryStatus.Pending, cancellationToken))
        {
            throttle.Request(alertId, channel);
            return;
        }

        await PublishProgressAsync(alertId, channel, cancellationToken);
    }

    /// <summary>
    /// Tells the Dashboard where the alert's deliveries on this channel stand. Every fan-out and
    /// batch ends here, so this is also where a send is seen to complete.
    /// </summary>
    public async Task PublishProgressAsync(Guid alertId, AlertChannel channel, CancellationToken cancellationToken)
    {
        var counts = await CountAsync(alertId, channel, cancellationToken);
        if (counts.Pending == 0)
        {
            await CompleteSendsAsync(alertId, channel, cancellationToken);
        }

        var revision = await db.Sends.Where(s => s.AlertId == alertId && s.Channel == channel).MaxAsync(s => (int?)s.Revision, cancellationToken) ?? 0;
        var progress = new DeliveryProgress(alertId, revision, channel, counts.Sent, counts.Failed, counts.Pending, time.GetUtcNow(), counts.Delivered);
        await publish.PublishWithinDeadlineAsync(progress, typeof(DeliveryProgress), cancellationToken);
    }

    /// <summary>
    /// Marks the alert's sends on the channel complete (nothing of the alert is Pending, so nothing
    /// of theirs is) once their fan-out is done, and records how long each took. The conditional
    /// update lets one process only record a send, however many reach this point together.
    /// </summary>
    private async Task CompleteSendsAsync(Guid alertId, AlertChannel channel, CancellationToken cancellationToken)
    {
        var finished = await db.Sends.AsNoTracking()
            .Where(s => s.AlertId == alertId && s.Channel == channel && s.FanOutComplete && !s.Cancelled && s.CompletedAt == null)
            .Select(s => new { s.Id, s.CreatedAt })
            .ToListAsync(cancellationToken);
        foreach (var send in finished)
        {
            var now = time.GetUtcNow();
            if (await db.Sends.Where(s => s.Id == send.Id && s.CompletedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.CompletedAt, now), cancellationToken) == 1)
            {
                metrics.FanOutCompleted(channel, now - send.CreatedAt);
            }
        }
    }
}

/// <param name="Sent">Taken by the server or provider, <paramref name="Delivered"/> included.</param>
/// <param name="Delivered">SMS only: the provider's receipt says it reached the phone.</param>
public sealed record DeliveryCounts(int Sent, int Delivered, int Failed, int Pending);

/// <summary>What a retry of the failed reset: how many recipients, and the batches (send, id range) to enqueue for them.</summary>
public sealed record RetryBatches(int Count, IReadOnlyList<(long SendId, long From, long To)> Batches);
