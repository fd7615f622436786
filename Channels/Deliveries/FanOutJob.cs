using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Channels.Subscriptions;
using AlertBroadcaster.Contracts;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Channels.Deliveries;

/// <summary>
/// Turns a send into batch jobs: reads the matching Active subscribers a page at a time (id order;
/// a page is <see cref="BatchesPerPage"/> batches), writes a Pending ledger row for each, and
/// enqueues one batch job of the send's channel per batch-sized run of those rows. Its cursor is
/// saved after each batch, so a retried fan-out resumes where it stopped.
/// </summary>
public sealed class FanOutJob(ChannelsDbContext db, DeliveryLedger ledger, AlertSends sends, ILogger<FanOutJob> logger)
{
    /// <summary>
    /// Batches written per page, in one statement (<see cref="DeliveryLedger.AddPendingAsync"/>).
    /// The batches already sending share the database and the CPU with the fan-out: writing 100,000
    /// rows as tracked entities, a page per batch, took 13 s and halved the sending rate meanwhile.
    /// </summary>
    public const int BatchesPerPage = 10;

    [AutomaticRetry(Attempts = 10, DelaysInSeconds = [2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800])]
    public async Task RunAsync(long sendId, CancellationToken cancellationToken)
    {
        var batches = 0;
        while (true)
        {
            var send = await db.Sends.AsNoTracking().SingleAsync(s => s.Id == sendId, cancellationToken);
            var batchSize = sends.BatchSize(send.Channel);
            if (send.FanOutComplete || await ledger.IsStoppedAsync(sendId, cancellationToken))
            {
                break;
            }

            var page = await Recipients(send).Where(s => s.Id > send.FanOutCursor).OrderBy(s => s.Id).Take(batchSize * BatchesPerPage).Select(s => s.Id).ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                await db.Sends.Where(s => s.Id == sendId).ExecuteUpdateAsync(u => u.SetProperty(s => s.FanOutComplete, true), cancellationToken);
                break;
            }

            // Rows first (a retry finds them and adds none), then each batch and the cursor after it,
            // so a fan-out stopped part-way through a page enqueues again at most the batch it was on.
            // The page is every recipient with an id in [first, last], so a range finds its rows.
            var (first, last) = (page[0], page[^1]);
            await ledger.AddPendingAsync(sendId, page, cancellationToken);
            var rows = await db.Deliveries.Where(d => d.SendId == sendId && d.SubscriberId >= first && d.SubscriberId <= last)
                .OrderBy(d => d.Id).Select(d => new { d.Id, d.SubscriberId }).ToListAsync(cancellationToken);
            // Batches are runs of ledger ids, so no two batches share a row.
            var runs = rows.Chunk(batchSize).ToArray();
            for (var i = 0; i < runs.Length; i++)
            {
                sends.EnqueueBatch(send.Channel, sendId, runs[i][0].Id, runs[i][^1].Id);
                batches++;
                // Everyone below the lowest subscriber of the batches still to come is enqueued now.
                var cursor = i == runs.Length - 1 ? last : runs[(i + 1)..].Min(run => run.Min(r => r.SubscriberId)) - 1;
                await db.Sends.Where(s => s.Id == sendId).ExecuteUpdateAsync(u => u.SetProperty(s => s.FanOutCursor, cursor), cancellationToken);
            }
        }

        logger.LogInformation("Fan-out of send {SendId} enqueued {Batches} batches", sendId, batches);
        var done = await db.Sends.AsNoTracking().SingleAsync(s => s.Id == sendId, cancellationToken);
        await ledger.PublishProgressAsync(done.AlertId, done.Channel, cancellationToken);
    }

    /// <summary>Who a send goes to: subscribers of the alert's sites and kind, or, for a withdrawal note, those already told.</summary>
    private IQueryable<Subscriber> Recipients(AlertSend send)
    {
        var active = db.Subscribers.Where(s => s.Channel == send.Channel && s.Status == SubscriberStatus.Active);
        if (send.Purpose == SendPurpose.Withdrawal)
        {
            return active.Where(s => db.Deliveries.Any(d =>
                d.AlertId == send.AlertId && d.Channel == send.Channel && d.SubscriberId == s.Id && (d.Status == DeliveryStatus.Sent || d.Status == DeliveryStatus.Delivered) && d.SendId != send.Id));
        }

        return Audience(active, send.Alert.Content.Sites, send.Alert.Content.Kind);
    }

    /// <summary>
    /// Those of <paramref name="active"/> who asked for alerts of this kind at one of these sites:
    /// a subscriber with no sites (or no topics) chose every site (or topic); an alert with no sites is for every site.
    /// </summary>
    public static IQueryable<Subscriber> Audience(IQueryable<Subscriber> active, IReadOnlyList<string> sites, AlertKind kind)
    {
        var topic = $";{kind};";
        active = active.Where(s => s.Topics == "" || s.Topics.Contains(topic));
        if (sites.Count == 0)
        {
            return active;
        }

        var tokens = sites.Select(site => $";{site};").ToList();
        return active.Where(s => s.Sites == "" || tokens.Any(site => s.Sites.Contains(site)));
    }
}
