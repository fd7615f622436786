using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Channels.Subscriptions;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// Texts one batch of a send, <c>Sms:Concurrency</c> requests at a time, each through the shared
/// rate (<see cref="SmsSender"/>). Rows already Sent are skipped (a retry or a duplicate job); each
/// group's outcome is recorded before the next group starts, so a crash repeats at most one group.
/// "Not taken" answers are retried here with backoff (Retry-After first); if the provider is still
/// down after that, the job fails and Hangfire retries the rest later.
/// </summary>
public sealed class SendSmsBatchJob(
    ChannelsDbContext db,
    DeliveryLedger ledger,
    SmsSender sender,
    IOptions<SmsOptions> options,
    IOptions<SmsTextOptions> text,
    TimeProvider time,
    ILogger<SendSmsBatchJob> logger)
{
    /// <summary>Tries of one message within the job; a few minutes of backoff in all.</summary>
    public const int AttemptsPerMessage = 8;

    /// <summary>Longer than a group can take (every message's tries, each wait at most a minute).</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(15);

    [Queue(DeliveryQueues.Sms)]
    [AutomaticRetry(Attempts = 20, DelaysInSeconds = [5, 10, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600])]
    public async Task RunAsync(long sendId, long fromDeliveryId, long toDeliveryId, CancellationToken cancellationToken)
    {
        var send = await db.Sends.AsNoTracking().SingleAsync(s => s.Id == sendId, cancellationToken);
        var pending = await db.Deliveries
            .Where(d => d.SendId == sendId && d.Id >= fromDeliveryId && d.Id <= toDeliveryId && d.Status == DeliveryStatus.Pending)
            .Join(db.Subscribers, d => d.SubscriberId, s => s.Id, (d, s) => new { d.Id, s.Address, s.Status })
            .OrderBy(r => r.Id)
            .Select(r => new Recipient(r.Id, r.Address, r.Status))
            .ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return;
        }

        var stopped = await ledger.IsStoppedAsync(sendId, cancellationToken);
        // Left since the fan-out (a STOP reply, say), or the alert ended: not sent.
        await MarkCancelledAsync(pending.Where(p => stopped || p.Status != SubscriberStatus.Active).Select(p => p.DeliveryId).ToList(), cancellationToken);
        if (stopped)
        {
            await ledger.PublishProgressAsync(send.AlertId, AlertChannel.Sms, cancellationToken);
            return;
        }

        var body = send.Purpose == SendPurpose.Withdrawal
            ? SmsText.WithdrawalNote(send.Alert.Content, text.Value)
            : SmsText.Compose(send.Alert.Content, text.Value);
        var (sent, failed) = (0, 0);
        var run = Guid.NewGuid();
        Exception? unsent = null;
        try
        {
            foreach (var group in pending.Where(p => p.Status == SubscriberStatus.Active).Chunk(options.Value.Concurrency))
            {
                if (sent > 0 && await ledger.IsStoppedAsync(sendId, cancellationToken))
                {
                    logger.LogInformation("SMS send {SendId} cancelled mid-batch", sendId);
                    break;
                }

                var mine = await ClaimAsync(run, group.Select(r => r.DeliveryId).ToList(), cancellationToken);
                var outcomes = await Task.WhenAll(group.Where(r => mine.Contains(r.DeliveryId)).Select(r => SendOneAsync(r, body, cancellationToken)));
                foreach (var outcome in outcomes)
                {
                    await RecordAsync(outcome);
                    sent += outcome.Accepted is null ? 0 : 1;
                    failed += outcome.Refused is null ? 0 : 1;
                    unsent ??= outcome.Unsent;
                }

                if (unsent is not null)
                {
                    break;
                }
            }
        }
        finally
        {
            // What this run did not send is free for the next run at once (a crash frees it when the lease ends).
            await db.Deliveries.Where(d => d.ClaimedBy == run && d.Status == DeliveryStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.ClaimedBy, (Guid?)null).SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
            await ledger.PublishProgressAsync(send.AlertId, AlertChannel.Sms, CancellationToken.None);
        }

        logger.LogInformation("SMS batch {From}-{To} of send {SendId}: {Sent} sent, {Failed} failed", fromDeliveryId, toDeliveryId, sendId, sent, failed);
        if (unsent is not null)
        {
            // The rest stay Pending; Hangfire runs the job again later and it skips what went out.
            throw unsent is OperationCanceledException ? unsent : new InvalidOperationException($"SMS batch of send {sendId} paused: {unsent.Message}", unsent);
        }

        if (await db.Deliveries.AnyAsync(d => d.SendId == sendId && d.Id >= fromDeliveryId && d.Id <= toDeliveryId && d.Status == DeliveryStatus.Pending, cancellationToken))
        {
            // Rows another run holds: if that run dies, this job's retry takes them once its claim lapses.
            throw new InvalidOperationException($"SMS batch {fromDeliveryId}-{toDeliveryId} of send {sendId}: some recipients are being sent by another run; checking again later.");
        }
    }

    /// <summary>Takes the rows no live run holds; returns those this run now holds.</summary>
    private async Task<HashSet<long>> ClaimAsync(Guid run, List<long> ids, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var until = now + ClaimLease;
        await db.Deliveries
            .Where(d => ids.Contains(d.Id) && d.Status == DeliveryStatus.Pending && (d.ClaimedUntil == null || d.ClaimedUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.ClaimedBy, run).SetProperty(d => d.ClaimedUntil, until), cancellationToken);
        return (await db.Deliveries.Where(d => ids.Contains(d.Id) && d.ClaimedBy == run && d.Status == DeliveryStatus.Pending)
            .Select(d => d.Id).ToListAsync(cancellationToken)).ToHashSet();
    }

    private async Task<Outcome> SendOneAsync(Recipient recipient, string body, CancellationToken cancellationToken)
    {
        var message = new SmsMessage(recipient.Address, body, recipient.DeliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new Outcome(recipient.DeliveryId, await sender.SendAsync(message, cancellationToken), null, null);
            }
            catch (SmsRefusedException ex)
            {
                return new Outcome(recipient.DeliveryId, null, ex.Reason, null);
            }
            catch (SmsTemporaryException ex) when (attempt < AttemptsPerMessage)
            {
                var backoff = ex.RetryAfter is { } after && after > TimeSpan.Zero
                    ? TimeSpan.FromSeconds(Math.Min(after.TotalSeconds, 60))
                    : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, attempt - 1), 30));
                logger.LogDebug("SMS to delivery {DeliveryId} not taken ({Error}); trying again in {Seconds} s", recipient.DeliveryId, ex.Message, backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, time, cancellationToken);
                }
                catch (OperationCanceledException cancelled)
                {
                    return new Outcome(recipient.DeliveryId, null, null, cancelled);
                }
            }
            catch (Exception ex) when (ex is SmsTemporaryException or OperationCanceledException)
            {
                return new Outcome(recipient.DeliveryId, null, null, ex);
            }
        }
    }

    /// <summary>Only a row still Pending changes: a receipt may have got there first.</summary>
    private async Task RecordAsync(Outcome outcome)
    {
        var now = time.GetUtcNow();
        var row = db.Deliveries.Where(d => d.Id == outcome.DeliveryId && d.Status == DeliveryStatus.Pending);
        if (outcome.Accepted is { } accepted)
        {
            await row.ExecuteUpdateAsync(u => u
                .SetProperty(d => d.Status, DeliveryStatus.Sent)
                .SetProperty(d => d.SentAt, now)
                .SetProperty(d => d.Provider, accepted.Provider)
                .SetProperty(d => d.ProviderMessageId, accepted.ProviderMessageId), CancellationToken.None);
        }
        else if (outcome.Refused is { } reason)
        {
            await row.ExecuteUpdateAsync(u => u
                .SetProperty(d => d.Status, DeliveryStatus.Failed)
                .SetProperty(d => d.Error, reason.Length > 500 ? reason[..500] : reason), CancellationToken.None);
        }
    }

    private async Task MarkCancelledAsync(List<long> deliveryIds, CancellationToken cancellationToken)
    {
        foreach (var chunk in deliveryIds.Chunk(1000))
        {
            await db.Deliveries.Where(d => chunk.Contains(d.Id) && d.Status == DeliveryStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Cancelled), cancellationToken);
        }
    }

    private sealed record Recipient(long DeliveryId, string Address, SubscriberStatus Status);

    private sealed record Outcome(long DeliveryId, SmsAccepted? Accepted, string? Refused, Exception? Unsent);
}
