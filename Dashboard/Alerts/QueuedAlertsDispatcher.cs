using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Dashboard.Identity;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>
/// Sends queued alerts to the Broadcaster once the bus is healthy again, oldest first. An
/// accepted alert leaves the queue; a refused one stays, with the reasons, for staff to see.
/// </summary>
public sealed class QueuedAlertsDispatcher(
    IServiceScopeFactory scopes,
    IBusControl bus,
    WakeUpSignal<QueuedAlertsDispatcher> signal,
    IHostApplicationLifetime lifetime,
    ILogger<QueuedAlertsDispatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifetime.WaitForStartAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (bus.CheckHealth().Status == BusHealthStatus.Healthy)
            {
                try
                {
                    await SendQueuedAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Queued alerts not sent yet; retrying shortly");
                }
            }

            await signal.WaitAsync(PollInterval, stoppingToken);
        }
    }

    public async Task SendQueuedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
        var queue = scope.ServiceProvider.GetRequiredService<QueuedAlerts>();
        var alerts = scope.ServiceProvider.GetRequiredService<AlertsClient>();
        var waiting = (await db.QueuedAlerts.AsNoTracking().Where(q => q.Refusal == null).ToListAsync(cancellationToken)).OrderBy(q => q.QueuedAt);
        foreach (var row in waiting)
        {
            // A timeout throws and leaves this row and the rest for the next round. The row may
            // also be sent at the same moment by an approval (AlertSubmission.SendQueuedNowAsync):
            // the Broadcaster stores a publish once per id, and both ends of the race are harmless.
            switch (await alerts.PublishAsync(QueuedAlerts.Command(row), cancellationToken))
            {
                case AlertOutcome.Rejected rejected:
                    await queue.RecordRefusalAsync(row.Id, rejected.Errors);
                    logger.LogError("The Broadcaster refused queued alert {AlertId}", row.Id);
                    break;
                default:
                    await queue.RemoveAsync(row.Id);
                    logger.LogInformation("Queued alert {AlertId} sent to the Broadcaster", row.Id);
                    break;
            }
        }
    }
}
