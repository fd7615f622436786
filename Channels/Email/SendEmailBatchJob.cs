using System.Collections.Concurrent;
using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Channels.Subscriptions;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Hangfire;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Email;

/// <summary>
/// Sends one batch of a send over one SMTP connection. Skips rows already Sent (a retry or a
/// duplicate job), records Sent rows every <see cref="FlushEvery"/> messages and when it stops for
/// any reason, marks a recipient Failed on a permanent (5xx) refusal and goes on, and throws on a
/// connection failure or a temporary (4xx) refusal so that Hangfire retries the rest with backoff.
/// Each record is written while the next messages go out (one write in flight, on a context of
/// its own): waiting for SQLite's write lock was a quarter of a batch's time.
/// </summary>
public sealed class SendEmailBatchJob(
    ChannelsDbContext db,
    IServiceScopeFactory scopes,
    DeliveryLedger ledger,
    IEmailTransport transport,
    SubscriberTokens tokens,
    AlertEmailCache emails,
    DeliveryMetrics metrics,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<SendEmailBatchJob> logger)
{
    /// <summary>Messages recorded together; twice this many can be sent twice if the process dies mid-batch.</summary>
    public const int FlushEvery = 25;

    [Queue(DeliveryQueues.Email)]
    [AutomaticRetry(Attempts = 15, DelaysInSeconds = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 3600])]
    public async Task RunAsync(long sendId, long fromDeliveryId, long toDeliveryId, CancellationToken cancellationToken)
    {
        var send = await db.Sends.AsNoTracking().SingleAsync(s => s.Id == sendId, cancellationToken);
        var pending = await Pending(sendId, fromDeliveryId, toDeliveryId)
            .Join(db.Subscribers, d => d.SubscriberId, s => s.Id, (d, s) => new { d.Id, s.Address, SubscriberId = s.Id, s.Status })
            .OrderBy(r => r.Id)
            .ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return;
        }

        if (await ledger.IsStoppedAsync(sendId, cancellationToken))
        {
            await MarkAsync(pending.Select(p => p.Id), DeliveryStatus.Cancelled, cancellationToken);
            await ledger.PublishProgressAsync(send.AlertId, AlertChannel.Email, cancellationToken);
            return;
        }

        // Left since the fan-out: not sent.
        await MarkAsync(pending.Where(p => p.Status != SubscriberStatus.Active).Select(p => p.Id), DeliveryStatus.Cancelled, cancellationToken);

        var email = emails.For(send);
        var key = await tokens.KeyAsync(cancellationToken);
        // The links' fixed parts once a batch: a token is URL-safe as it is (digits, '.', base64url).
        var manageLink = options.Value.Link("subscriptions/manage?token=").AbsoluteUri;
        var unsubscribeLink = options.Value.Link("unsubscribe?token=").AbsoluteUri;
        var sent = new List<long>();
        var sentCount = 0;
        await using var recorderScope = scopes.CreateAsyncScope();
        var recorder = recorderScope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var recording = Task.CompletedTask;
        try
        {
            await using var session = await transport.OpenAsync(cancellationToken);
            foreach (var recipient in pending.Where(p => p.Status == SubscriberStatus.Active))
            {
                if (sentCount > 0 && sentCount % 100 == 0 && await ledger.IsStoppedAsync(sendId, cancellationToken))
                {
                    logger.LogInformation("Send {SendId} cancelled mid-batch", sendId);
                    break;
                }

                var token = SubscriberTokens.ManageToken(recipient.SubscriberId, key);
                // Disposed at once: MimeKit's parts have finalizers, and 100,000 of them left to the GC cost more than building them.
                using var message = email.For(recipient.Address, manageLink + token, unsubscribeLink + token, time.GetUtcNow());
                try
                {
                    await session.SendAsync(message, cancellationToken);
                }
                catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
                {
                    // Permanent for this recipient (unknown mailbox, refused): record it and go on.
                    await FailAsync(recipient.Id, $"{(int)ex.StatusCode} {ex.Message}", cancellationToken);
                    metrics.Failed(AlertChannel.Email);
                    continue;
                }

                metrics.Sent(AlertChannel.Email);
                sent.Add(recipient.Id);
                sentCount++;
                if (sent.Count >= FlushEvery)
                {
                    await recording;
                    recording = RecordSentAsync(recorder, [.. sent]);
                    sent.Clear();
                }
            }
        }
        finally
        {
            // Whatever happened, what went out is recorded, so a retry does not send it again.
            try
            {
                await recording;
            }
            finally
            {
                await RecordSentAsync(recorder, sent);
            }

            await ledger.ReportBatchEndAsync(send.AlertId, AlertChannel.Email, CancellationToken.None);
        }

        logger.LogInformation("Batch {From}-{To} of send {SendId}: {Sent} sent", fromDeliveryId, toDeliveryId, sendId, sentCount);
        if (await ledger.IsStoppedAsync(sendId, cancellationToken))
        {
            await MarkAsync(await Pending(sendId, fromDeliveryId, toDeliveryId).Select(d => d.Id).ToListAsync(cancellationToken), DeliveryStatus.Cancelled, cancellationToken);
        }
    }

    private IQueryable<Delivery> Pending(long sendId, long fromDeliveryId, long toDeliveryId) =>
        db.Deliveries.Where(d => d.SendId == sendId && d.Id >= fromDeliveryId && d.Id <= toDeliveryId && d.Status == DeliveryStatus.Pending);

    /// <summary>Not cancelled with the job: what went out is always recorded.</summary>
    private async Task RecordSentAsync(ChannelsDbContext recorder, List<long> sent)
    {
        if (sent.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        await recorder.Deliveries.Where(d => sent.Contains(d.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Sent).SetProperty(d => d.SentAt, now), CancellationToken.None);
    }

    private Task FailAsync(long deliveryId, string error, CancellationToken cancellationToken) =>
        db.Deliveries.Where(d => d.Id == deliveryId)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.Error, error), cancellationToken);

    private async Task MarkAsync(IEnumerable<long> deliveryIds, DeliveryStatus status, CancellationToken cancellationToken)
    {
        var ids = deliveryIds.ToList();
        if (ids.Count > 0)
        {
            await db.Deliveries.Where(d => ids.Contains(d.Id) && d.Status == DeliveryStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, status), cancellationToken);
        }
    }
}

/// <summary>An alert's email rendered once per send and reused for every batch in this process.</summary>
public sealed class AlertEmailCache(IOptions<EmailOptions> options, SiteCatalog sites)
{
    private readonly ConcurrentDictionary<long, AlertEmail> _rendered = new();

    public AlertEmail For(AlertSend send)
    {
        if (_rendered.Count > 256)
        {
            _rendered.Clear();
        }

        return _rendered.GetOrAdd(send.Id, _ =>
        {
            var settings = new AlertEmailSettings(options.Value.From, options.Value.FromName, MessageIdDomain(options.Value.From));
            var purpose = send.Purpose switch
            {
                SendPurpose.Update => AlertEmailPurpose.Update,
                SendPurpose.Withdrawal => AlertEmailPurpose.Withdrawal,
                _ => AlertEmailPurpose.NewAlert,
            };
            return AlertEmail.Render(send.Alert, purpose, settings, sites);
        });
    }

    public static string MessageIdDomain(string from) => from[(from.LastIndexOf('@') + 1)..];
}

/// <summary>Hangfire queues: batches have their own, so <c>Email:Parallelism</c> bounds them alone.</summary>
public static class DeliveryQueues
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string Default = "default";
}
