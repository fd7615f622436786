using AlertBroadcaster.Broadcaster.Lifecycle;
using Quartz;

namespace AlertBroadcaster.Broadcaster.Scheduling;

internal static class AlertJobData
{
    public const string AlertId = "alertId";

    public static Guid ReadAlertId(this IJobExecutionContext context) =>
        Guid.Parse(context.MergedJobDataMap[AlertId]?.ToString() ?? throw new InvalidOperationException("Trigger has no alertId."));
}

/// <summary>Fires at an alert's effectiveFrom: makes it Live.</summary>
public sealed class GoLiveJob(AlertLifecycle lifecycle) : IJob
{
    public static readonly JobKey Key = new("go-live", "alerts");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await lifecycle.GoLiveAsync(context.ReadAlertId(), cancellationToken);
}

/// <summary>Fires at an alert's expiresAt: makes it Expired.</summary>
public sealed class ExpireJob(AlertLifecycle lifecycle) : IJob
{
    public static readonly JobKey Key = new("expire", "alerts");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await lifecycle.ExpireAsync(context.ReadAlertId(), cancellationToken);
}
