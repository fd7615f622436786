using AlertBroadcaster.Broadcaster.Outbox;
using AlertBroadcaster.Broadcaster.Scheduling;
using AlertBroadcaster.Broadcaster.Storage;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AlertBroadcaster.Broadcaster.Lifecycle;

/// <summary>
/// Every change to an alert: the state change and the event announcing it are written in one
/// transaction (the event through the outbox), then the alert's triggers are brought in step.
/// Each step re-reads the stored state, so a redelivered command or a late trigger is harmless.
/// </summary>
public sealed class AlertLifecycle(
    AlertsDbContext db,
    AlertValidator validator,
    AlertScheduler scheduler,
    WakeUpSignal<OutboxDispatcher> outbox,
    TimeProvider time,
    ILogger<AlertLifecycle> logger)
{
    public async Task<AlertOutcome> PublishAsync(PublishAlert command, CancellationToken cancellationToken)
    {
        if (await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == command.AlertId, cancellationToken) is { } existing)
        {
            // A redelivery: the first delivery may have stored the alert but not its triggers.
            if (!await scheduler.IsInStepAsync(existing, cancellationToken))
            {
                await scheduler.SyncAsync(existing, cancellationToken);
            }

            return new AlertOutcome.Accepted(existing.ToDetails());
        }

        var errors = validator.Validate(command.Content);
        if (errors.Count > 0)
        {
            return new AlertOutcome.Rejected(command.AlertId, errors);
        }

        var now = time.GetUtcNow();
        var content = AlertValidator.Normalise(command.Content);
        var alert = new Alert
        {
            Id = command.AlertId,
            Status = content.EffectiveFrom <= now ? AlertStatus.Live : AlertStatus.Scheduled,
            Content = content,
            CreatedBy = command.RequestedBy,
            CreatedAt = now,
        };
        alert.AddRevision(content, command.RequestedBy, now);
        db.Alerts.Add(alert);
        if (alert.Status == AlertStatus.Live)
        {
            db.AddEvent(alert.Id, new AlertWentLive(alert.ToSnapshot(), now), now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same command delivered twice at once: the other delivery stored it.
            db.ChangeTracker.Clear();
            var stored = await FindAsync(command.AlertId, cancellationToken);
            if (stored is null)
            {
                throw;
            }

            return new AlertOutcome.Accepted(stored);
        }

        logger.LogInformation("Alert {AlertId} stored as {Status}", alert.Id, alert.Status);
        return await AfterChangeAsync(alert, cancellationToken);
    }

    public Task<AlertOutcome> UpdateAsync(UpdateAlert command, CancellationToken cancellationToken) =>
        ChangeAsync(command.AlertId, (alert, now) =>
        {
            if (alert.IsFinal)
            {
                return Reject(alert, "status", $"This alert is {alert.Status} and can no longer be changed.");
            }

            var errors = validator.Validate(command.Content);
            if (errors.Count > 0)
            {
                return new AlertOutcome.Rejected(alert.Id, errors);
            }

            var content = AlertValidator.Normalise(command.Content);
            if (alert.Status == AlertStatus.Live && content.EffectiveFrom > now)
            {
                return Reject(alert, "effectiveFrom", "A live alert cannot be moved into the future; withdraw it and publish a new one.");
            }

            alert.AddRevision(content, command.RequestedBy, now);
            if (alert.Status == AlertStatus.Live)
            {
                db.AddEvent(alert.Id, new AlertUpdated(alert.ToSnapshot(), now), now);
            }
            else if (content.EffectiveFrom <= now)
            {
                alert.Status = AlertStatus.Live;
                db.AddEvent(alert.Id, new AlertWentLive(alert.ToSnapshot(), now), now);
            }

            return null;
        }, cancellationToken);

    public Task<AlertOutcome> WithdrawAsync(WithdrawAlert command, CancellationToken cancellationToken) =>
        ChangeAsync(command.AlertId, (alert, now) =>
        {
            if (alert.IsFinal)
            {
                return new AlertOutcome.Accepted(alert.ToDetails());
            }

            alert.Status = AlertStatus.Withdrawn;
            alert.UpdatedAt = now;
            db.AddEvent(alert.Id, new AlertWithdrawn(alert.Id, alert.Revision, command.NotifySubscribers, now), now);
            return null;
        }, cancellationToken);

    /// <summary>Called by the go-live trigger. Does nothing unless the alert is still Scheduled and due.</summary>
    public Task GoLiveAsync(Guid alertId, CancellationToken cancellationToken) =>
        ChangeAsync(alertId, (alert, now) =>
        {
            if (alert.Status != AlertStatus.Scheduled || alert.EffectiveFrom > now)
            {
                return new AlertOutcome.Accepted(alert.ToDetails());
            }

            if (alert.ExpiresAt <= now)
            {
                // Both triggers fell due while we were down: it ends without ever having been shown.
                alert.Status = AlertStatus.Expired;
                alert.UpdatedAt = now;
                db.AddEvent(alert.Id, new AlertExpired(alert.Id, alert.Revision, now), now);
                return null;
            }

            alert.Status = AlertStatus.Live;
            alert.UpdatedAt = now;
            db.AddEvent(alert.Id, new AlertWentLive(alert.ToSnapshot(), now), now);
            return null;
        }, cancellationToken);

    /// <summary>Called by the expiry trigger. Does nothing unless the alert is open and its end has come.</summary>
    public Task ExpireAsync(Guid alertId, CancellationToken cancellationToken) =>
        ChangeAsync(alertId, (alert, now) =>
        {
            if (alert.IsFinal || alert.ExpiresAt is null || alert.ExpiresAt > now)
            {
                return new AlertOutcome.Accepted(alert.ToDetails());
            }

            alert.Status = AlertStatus.Expired;
            alert.UpdatedAt = now;
            db.AddEvent(alert.Id, new AlertExpired(alert.Id, alert.Revision, now), now);
            return null;
        }, cancellationToken);

    public async Task<AlertDetails?> FindAsync(Guid alertId, CancellationToken cancellationToken) =>
        (await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken))?.ToDetails();

    public async Task<IReadOnlyList<AlertDetails>> ListAsync(int take, CancellationToken cancellationToken) =>
        (await db.Alerts.AsNoTracking()
            .OrderByDescending(a => a.CreatedAt)
            .Take(Math.Clamp(take, 1, 1000))
            .ToListAsync(cancellationToken))
        .Select(a => a.ToDetails())
        .ToList();

    /// <summary>
    /// Loads the alert, lets <paramref name="change"/> mutate it (returning null) or decide the
    /// answer without a change, and saves. The Version concurrency token makes two changes racing
    /// on one alert (a withdrawal while the go-live trigger fires) serialise: the loser re-reads.
    /// </summary>
    private async Task<AlertOutcome> ChangeAsync(Guid alertId, Func<Alert, DateTimeOffset, AlertOutcome?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken);
            if (alert is null)
            {
                return new AlertOutcome.NotFound(alertId);
            }

            var before = alert.Status;
            if (change(alert, time.GetUtcNow()) is { } decided)
            {
                return decided;
            }

            alert.Version++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                continue;
            }

            logger.LogInformation("Alert {AlertId} revision {Revision}: {Before} -> {After}", alert.Id, alert.Revision, before, alert.Status);
            return await AfterChangeAsync(alert, cancellationToken);
        }
    }

    private async Task<AlertOutcome> AfterChangeAsync(Alert alert, CancellationToken cancellationToken)
    {
        outbox.Notify();
        try
        {
            // Two changes to one alert can finish out of order: schedule from what is stored now.
            db.ChangeTracker.Clear();
            var stored = await db.Alerts.AsNoTracking().FirstAsync(a => a.Id == alert.Id, cancellationToken);
            await scheduler.SyncAsync(stored, cancellationToken);
        }
        catch (Quartz.SchedulerException ex)
        {
            // The change is stored; the scheduler refused (shutting down, store unreachable).
            // The reconciler puts the trigger back within a minute.
            logger.LogWarning(ex, "Could not update triggers for alert {AlertId}; the reconciler restores them", alert.Id);
        }

        return new AlertOutcome.Accepted(alert.ToDetails());
    }

    private static AlertOutcome.Rejected Reject(Alert alert, string field, string message) =>
        new(alert.Id, new Dictionary<string, string[]> { [field] = [message] });
}
