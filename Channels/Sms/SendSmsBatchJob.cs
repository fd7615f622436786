using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Channels.Jobs;
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
/// row is claimed before its text and recorded after, so a crash repeats at most the texts in flight.
/// "Not taken" answers are retried here with backoff (Retry-After first); if the provider is still
/// down after that, the job fails and Hangfire retries the rest later.
/// </summary>
public sealed class SendSmsBatchJob(
    ChannelsDbContext db,
    IServiceScopeFactory scopes,
    DeliveryLedger ledger,
    SmsSender sender,
    DeliveryMetrics metrics,
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
        var (sent, failed, seen) = (0, 0, 0);
        var ended = false;
        var run = Guid.NewGuid();
        Exception? unsent = null;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            // A steady stream, Sms:Concurrency requests in flight: each takes its row, sends, records.
            await Parallel.ForEachAsync(pending.Where(p => p.Status == SubscriberStatus.Active),
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.Concurrency, CancellationToken = stopping.Token },
                async (recipient, ct) =>
                {
                    if (Volatile.Read(ref unsent) is not null)
                    {
                        return; // The provider is still failing after this job's tries: the rest wait for the retry.
                    }

                    await using var scope = scopes.CreateAsyncScope();
                    var rows = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
                    if (Interlocked.Increment(ref seen) % 100 == 0 && await scope.ServiceProvider.GetRequiredService<DeliveryLedger>().IsStoppedAsync(sendId, ct))
                    {
                        logger.LogInformation("SMS send {SendId} cancelled mid-batch", sendId);
                        Volatile.Write(ref ended, true);
                        await stopping.CancelAsync();
                        return;
                    }

                    if (!await ClaimAsync(rows, run, recipient.DeliveryId, ct))
                    {
                        return; // Another run of this job holds it.
                    }

                    var outcome = await SendOneAsync(recipient, body, ct);
                    await RecordAsync(rows, run, outcome);
                    Interlocked.Add(ref sent, outcome.Accepted is null ? 0 : 1);
                    Interlocked.Add(ref failed, outcome.Refused is null ? 0 : 1);
                    metrics.Sent(AlertChannel.Sms, outcome.Accepted is null ? 0 : 1);
                    metrics.Failed(AlertChannel.Sms, outcome.Refused is null ? 0 : 1);
                    if (outcome.Unsent is not null)
                    {
                        Interlocked.CompareExchange(ref unsent, outcome.Unsent, null);
                    }
                });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Stopped because the alert was withdrawn or expired: what was not sent is cancelled by the withdrawal.
        }
        finally
        {
            // What this run did not send is free for the next run at once (a crash frees it when the lease ends).
            await db.Deliveries.Where(d => d.SendId == sendId && d.Id >= fromDeliveryId && d.Id <= toDeliveryId && d.ClaimedBy == run && d.Status != DeliveryStatus.Sent)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.ClaimedBy, (Guid?)null).SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
            await ledger.ReportBatchEndAsync(send.AlertId, AlertChannel.Sms, CancellationToken.None);
        }

        logger.LogInformation("SMS batch {From}-{To} of send {SendId}: {Sent} sent, {Failed} failed", fromDeliveryId, toDeliveryId, sendId, sent, failed);
        if (ended)
        {
            // Withdrawn or expired: what is left is never sent (the withdrawal usually marked it already).
            await MarkCancelledAsync(pending.Select(p => p.DeliveryId).ToList(), CancellationToken.None);
            return;
        }

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

    /// <summary>Takes the row unless a live run holds it (or it went out meanwhile).</summary>
    private async Task<bool> ClaimAsync(ChannelsDbContext rows, Guid run, long deliveryId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var until = now + ClaimLease;
        return await rows.Deliveries
            .Where(d => d.Id == deliveryId && d.Status == DeliveryStatus.Pending && (d.ClaimedUntil == null || d.ClaimedUntil < now || d.ClaimedBy == run))
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.ClaimedBy, run).SetProperty(d => d.ClaimedUntil, until), cancellationToken) == 1;
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

    /// <summary>
    /// Only a row still Pending changes (a receipt may have got there first), or one this run holds that
    /// the job's give-up marked failed meanwhile (GivenUpBatches): what the provider did decides.
    /// </summary>
    private async Task RecordAsync(ChannelsDbContext rows, Guid run, Outcome outcome)
    {
        var now = time.GetUtcNow();
        var row = rows.Deliveries.Where(d => d.Id == outcome.DeliveryId && (d.Status == DeliveryStatus.Pending
            || (d.Status == DeliveryStatus.Failed && d.ClaimedBy == run && d.Error != null && d.Error.StartsWith(GivenUpBatches.ErrorPrefix))));
        if (outcome.Accepted is { } accepted)
        {
            await row.ExecuteUpdateAsync(u => u
                .SetProperty(d => d.Status, DeliveryStatus.Sent)
                .SetProperty(d => d.Error, (string?)null)
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
