using AlertBroadcaster.Broadcaster.Storage;
using AlertBroadcaster.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlertBroadcaster.Broadcaster.Scheduling;

/// <summary>
/// On start and then every minute, puts back any trigger missing for a Scheduled or Live alert.
/// The alert is committed before its triggers are written (they are in another store), so a
/// crash or a scheduler error between the two would otherwise leave an alert that never goes
/// live or never expires.
/// </summary>
public sealed class ScheduleReconciler(IServiceScopeFactory scopes, AlertScheduler scheduler, ILogger<ScheduleReconciler> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReconcileAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Trigger reconciliation failed; trying again in {Interval}", Interval);
            }
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var open = await db.Alerts.AsNoTracking()
            .Where(a => a.Status == AlertStatus.Scheduled || a.Status == AlertStatus.Live)
            .ToListAsync(cancellationToken);

        foreach (var alert in open)
        {
            if (!await scheduler.IsInStepAsync(alert, cancellationToken))
            {
                logger.LogWarning("Alert {AlertId} was missing a trigger; scheduling it again", alert.Id);
                await scheduler.SyncAsync(alert, cancellationToken);
            }
        }
    }
}
