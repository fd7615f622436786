using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Channels.Subscriptions;
using AlertBroadcaster.Contracts;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Channels.Deliveries;

/// <summary>
/// Turns a send into batch jobs: reads the matching Active subscribers page by page (id order),
/// writes a Pending ledger row for each, and enqueues one batch job of the send's channel per page.
/// Its cursor is saved after each page, so a retried fan-out resumes where it stopped.
/// </summary>
public sealed class FanOutJob(ChannelsDbContext db, DeliveryLedger ledger, AlertSends sends, ILogger<FanOutJob> logger)
{
    [AutomaticRetry(Attempts = 10, DelaysInSeconds = [2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800])]
    public async Task RunAsync(long sendId, CancellationToken cancellationToken)
    {
        var batches = 0;
        while (true)
        {
            var send = await db.Sends.SingleAsync(s => s.Id == sendId, cancellationToken);
            var batchSize = sends.BatchSize(send.Channel);
            if (send.FanOutComplete || await ledger.IsStoppedAsync(sendId, cancellationToken))
            {
                break;
            }

            var page = await Recipients(send).Where(s => s.Id > send.FanOutCursor).OrderBy(s => s.Id).Take(batchSize).Select(s => s.Id).ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                send.FanOutComplete = true;
                await db.SaveChangesAsync(cancellationToken);
                break;
            }

            // Rows first (a retry finds them and adds none), then the batch, then the cursor.
            var already = await db.Deliveries.Where(d => d.SendId == sendId && page.Contains(d.SubscriberId)).Select(d => d.SubscriberId).ToListAsync(cancellationToken);
            db.Deliveries.AddRange(page.Except(already).Select(subscriberId => new Delivery
            {
                SendId = sendId,
                AlertId = send.AlertId,
                Revision = send.Revision,
                Channel = send.Channel,
                SubscriberId = subscriberId,
                Status = DeliveryStatus.Pending,
            }));
            await db.SaveChangesAsync(cancellationToken);
            var range = await db.Deliveries.Where(d => d.SendId == sendId && page.Contains(d.SubscriberId))
                .GroupBy(d => d.SendId).Select(g => new { From = g.Min(d => d.Id), To = g.Max(d => d.Id) }).SingleAsync(cancellationToken);
            sends.EnqueueBatch(send.Channel, sendId, range.From, range.To);
            batches++;

            send.FanOutCursor = page[^1];
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
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
