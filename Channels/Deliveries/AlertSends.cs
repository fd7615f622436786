using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Contracts;
using Hangfire;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Deliveries;

/// <summary>What a channel that sends to people (email, SMS) does with each lifecycle event.</summary>
public sealed class AlertSends(
    DeliveryLedger ledger, IBackgroundJobClient jobs, IOptions<EmailOptions> email, IOptions<SmsOptions> sms, ILogger<AlertSends> logger)
{
    public Task WentLiveAsync(AlertSnapshot alert, AlertChannel channel, CancellationToken cancellationToken) =>
        StartAsync(alert, alert.Revision, channel, SendPurpose.NewAlert, cancellationToken);

    /// <summary>Old text stops going out; subscribers hear of the new revision only when the author asked.</summary>
    public async Task UpdatedAsync(AlertSnapshot alert, AlertChannel channel, CancellationToken cancellationToken)
    {
        await ledger.CancelAsync(alert.Id, channel, cancellationToken);
        if (alert.Content.NotifySubscribers)
        {
            await StartAsync(alert, alert.Revision, channel, SendPurpose.Update, cancellationToken);
        }
    }

    /// <summary>Stops what is not yet sent; a note to those already told when the author asked.</summary>
    public async Task WithdrawnAsync(Guid alertId, int revision, bool notifySubscribers, AlertChannel channel, CancellationToken cancellationToken)
    {
        await ledger.EndAsync(alertId, channel, cancellationToken);
        if (notifySubscribers && await ledger.LatestAsync(alertId, channel, cancellationToken) is { } latest)
        {
            await StartAsync(latest.Alert, revision, channel, SendPurpose.Withdrawal, cancellationToken);
        }
    }

    public Task ExpiredAsync(Guid alertId, AlertChannel channel, CancellationToken cancellationToken) =>
        ledger.EndAsync(alertId, channel, cancellationToken);

    /// <summary>Failed recipients of the alert back to Pending, in new batches; returns how many.</summary>
    public async Task<int> RetryFailedAsync(Guid alertId, AlertChannel channel, CancellationToken cancellationToken)
    {
        var retry = await ledger.ResetFailedAsync(alertId, channel, BatchSize(channel), cancellationToken);
        foreach (var (sendId, from, to) in retry.Batches)
        {
            EnqueueBatch(channel, sendId, from, to);
        }

        await ledger.PublishProgressAsync(alertId, channel, cancellationToken);
        return retry.Count;
    }

    public int BatchSize(AlertChannel channel) => channel == AlertChannel.Sms ? sms.Value.BatchSize : email.Value.BatchSize;

    /// <summary>One batch job: the ledger rows of the send with ids in [from, to] still Pending.</summary>
    public void EnqueueBatch(AlertChannel channel, long sendId, long fromDeliveryId, long toDeliveryId)
    {
        if (channel == AlertChannel.Sms)
        {
            jobs.Enqueue<SendSmsBatchJob>(job => job.RunAsync(sendId, fromDeliveryId, toDeliveryId, CancellationToken.None));
        }
        else
        {
            jobs.Enqueue<SendEmailBatchJob>(job => job.RunAsync(sendId, fromDeliveryId, toDeliveryId, CancellationToken.None));
        }
    }

    private async Task StartAsync(AlertSnapshot alert, int revision, AlertChannel channel, SendPurpose purpose, CancellationToken cancellationToken)
    {
        if (!alert.Content.Channels.Contains(channel))
        {
            return;
        }

        if (await ledger.StartAsync(alert, revision, channel, purpose, cancellationToken) is { } send)
        {
            jobs.Enqueue<FanOutJob>(job => job.RunAsync(send.Id, CancellationToken.None));
            logger.LogInformation("{Channel} {Purpose} for alert {AlertId} revision {Revision} started as send {SendId}", channel, purpose, alert.Id, revision, send.Id);
        }
    }
}
