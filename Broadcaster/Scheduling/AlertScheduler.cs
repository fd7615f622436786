using AlertBroadcaster.Broadcaster.Storage;
using AlertBroadcaster.Contracts;
using Quartz;

namespace AlertBroadcaster.Broadcaster.Scheduling;

/// <summary>
/// Keeps an alert's Quartz triggers in step with its stored state: a go-live trigger while it is
/// Scheduled, an expiry trigger while it is Scheduled or Live with an end. Triggers live in the
/// persistent job store, so a restart loses none, and one that fell due while the process was down
/// fires once on start (misfire: fire now). The jobs re-check the stored state, so a trigger that
/// fires late or twice changes nothing.
/// </summary>
public sealed class AlertScheduler(ISchedulerFactory schedulers, TimeProvider time)
{
    private const string Group = "alerts";

    public static TriggerKey GoLiveTrigger(Guid alertId) => new($"go-live-{alertId:N}", Group);
    public static TriggerKey ExpiryTrigger(Guid alertId) => new($"expire-{alertId:N}", Group);

    public async Task SyncAsync(Alert alert, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);

        await SetAsync(scheduler, GoLiveTrigger(alert.Id), GoLiveJob.Key, alert.Id,
            alert.Status == AlertStatus.Scheduled ? alert.EffectiveFrom : null, cancellationToken);
        await SetAsync(scheduler, ExpiryTrigger(alert.Id), ExpireJob.Key, alert.Id,
            alert.Status is AlertStatus.Scheduled or AlertStatus.Live ? alert.ExpiresAt : null, cancellationToken);
    }

    /// <summary>Whether every trigger the alert's state calls for is in the store.</summary>
    public async Task<bool> IsInStepAsync(Alert alert, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (alert.Status == AlertStatus.Scheduled && !await scheduler.Exists(GoLiveTrigger(alert.Id), cancellationToken))
        {
            return false;
        }

        return alert.ExpiresAt is null || alert.IsFinal || await scheduler.Exists(ExpiryTrigger(alert.Id), cancellationToken);
    }

    private async Task SetAsync(IScheduler scheduler, TriggerKey key, JobKey job, Guid alertId, DateTimeOffset? fireAt, CancellationToken cancellationToken)
    {
        if (fireAt is null)
        {
            await scheduler.UnscheduleJob(key, cancellationToken);
            return;
        }

        var trigger = TriggerBuilder.Create(time)
            .WithIdentity(key)
            .ForJob(job)
            .UsingJobData(AlertJobData.AlertId, alertId.ToString())
            .StartAt(fireAt.Value)
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, cancellationToken);
    }
}
