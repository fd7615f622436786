using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Contracts;
using Hangfire;

namespace AlertBroadcaster.Channels.Email;

/// <summary>What the email channel does with each lifecycle event.</summary>
public sealed class EmailAlerts(DeliveryLedger ledger, IBackgroundJobClient jobs, ILogger<EmailAlerts> logger)
{
    public Task WentLiveAsync(AlertSnapshot alert, CancellationToken cancellationToken) =>
        StartAsync(alert, alert.Revision, SendPurpose.NewAlert, cancellationToken);

    /// <summary>Old text stops going out; subscribers hear of the new revision only when the author asked.</summary>
    public async Task UpdatedAsync(AlertSnapshot alert, CancellationToken cancellationToken)
    {
        await ledger.CancelAsync(alert.Id, AlertChannel.Email, cancellationToken);
        if (alert.Content.NotifySubscribers)
        {
            await StartAsync(alert, alert.Revision, SendPurpose.Update, cancellationToken);
        }
    }

    /// <summary>Stops what is not yet sent; a note to those already told when the author asked.</summary>
    public async Task WithdrawnAsync(Guid alertId, int revision, bool notifySubscribers, CancellationToken cancellationToken)
    {
        await ledger.EndAsync(alertId, AlertChannel.Email, cancellationToken);
        if (notifySubscribers && await ledger.LatestAsync(alertId, AlertChannel.Email, cancellationToken) is { } latest)
        {
            await StartAsync(latest.Alert, revision, SendPurpose.Withdrawal, cancellationToken);
        }
    }

    public Task ExpiredAsync(Guid alertId, CancellationToken cancellationToken) =>
        ledger.EndAsync(alertId, AlertChannel.Email, cancellationToken);

    /// <summary>Failed recipients of the alert back to Pending, in new batches; returns how many.</summary>
    public async Task<int> RetryFailedAsync(Guid alertId, int batchSize, CancellationToken cancellationToken)
    {
        var failed = await ledger.ResetFailedAsync(alertId, AlertChannel.Email, cancellationToken);
        foreach (var (sendId, ids) in failed)
        {
            foreach (var batch in ids.Chunk(batchSize))
            {
                var (from, to) = (batch[0], batch[^1]);
                jobs.Enqueue<SendEmailBatchJob>(job => job.RunAsync(sendId, from, to, CancellationToken.None));
            }
        }

        await ledger.PublishProgressAsync(alertId, AlertChannel.Email, cancellationToken);
        return failed.Sum(f => f.Ids.Count);
    }

    private async Task StartAsync(AlertSnapshot alert, int revision, SendPurpose purpose, CancellationToken cancellationToken)
    {
        if (!alert.Content.Channels.Contains(AlertChannel.Email))
        {
            return;
        }

        if (await ledger.StartAsync(alert, revision, AlertChannel.Email, purpose, cancellationToken) is { } send)
        {
            jobs.Enqueue<FanOutEmailJob>(job => job.RunAsync(send.Id, CancellationToken.None));
            logger.LogInformation("Email {Purpose} for alert {AlertId} revision {Revision} started as send {SendId}", purpose, alert.Id, revision, send.Id);
        }
    }
}
