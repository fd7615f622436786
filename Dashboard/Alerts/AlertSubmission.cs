using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using MassTransit;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>
/// Creates an alert: sends it to the Broadcaster and returns its answer, or, when the Broadcaster
/// cannot be reached (broker down, no answer in time), keeps it in <see cref="QueuedAlerts"/> so
/// the author's work is never lost. The caller has already validated it.
/// </summary>
public sealed class AlertSubmission(AlertsClient alerts, QueuedAlerts queue, IBusControl bus, ILogger<AlertSubmission> logger)
{
    public async Task<Submitted> SubmitAsync(PublishAlert command, CancellationToken cancellationToken)
    {
        if (bus.CheckHealth().Status == BusHealthStatus.Healthy)
        {
            try
            {
                return new Submitted.Answered(await alerts.PublishAsync(command, cancellationToken));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // No answer, a fault (say the Broadcaster stopping mid-request) or a broken
                // connection: whether or not it was stored, sending it again is safe.
                logger.LogWarning(ex, "The Broadcaster did not take alert {AlertId}; queueing it", command.AlertId);
            }
        }

        var queued = await queue.AddAsync(command, CancellationToken.None);
        logger.LogWarning("Alert {AlertId} queued until the Broadcaster can be reached", command.AlertId);
        return new Submitted.Queued(queued);
    }

    /// <summary>
    /// Sends an alert already saved in the queue (an approved one) now, rather than when the
    /// dispatcher next looks. Null: the Broadcaster could not be reached and it stays queued.
    /// </summary>
    public async Task<AlertOutcome?> SendQueuedNowAsync(PublishAlert command, CancellationToken cancellationToken)
    {
        if (bus.CheckHealth().Status == BusHealthStatus.Healthy)
        {
            try
            {
                var outcome = await alerts.PublishAsync(command, cancellationToken);
                if (outcome is AlertOutcome.Rejected rejected)
                {
                    await queue.RecordRefusalAsync(command.AlertId, rejected.Errors);
                }
                else
                {
                    await queue.RemoveAsync(command.AlertId);
                }

                return outcome;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The Broadcaster did not take approved alert {AlertId}; it stays queued", command.AlertId);
            }
        }

        queue.Nudge();
        return null;
    }
}

/// <summary>What became of a new alert: the Broadcaster's answer, or queued for later.</summary>
public abstract record Submitted
{
    public sealed record Answered(AlertOutcome Outcome) : Submitted;

    public sealed record Queued(QueuedAlertView Alert) : Submitted;
}
