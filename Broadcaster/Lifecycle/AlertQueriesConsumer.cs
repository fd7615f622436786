using AlertBroadcaster.Contracts;
using MassTransit;

namespace AlertBroadcaster.Broadcaster.Lifecycle;

/// <summary>Answers the Dashboard's reads; the Broadcaster owns the alerts database.</summary>
public sealed class AlertQueriesConsumer(AlertLifecycle lifecycle) : IConsumer<GetAlert>, IConsumer<ListAlerts>
{
    public async Task Consume(ConsumeContext<GetAlert> context)
    {
        var alert = await lifecycle.FindAsync(context.Message.AlertId, context.CancellationToken);
        await (alert is null
            ? context.RespondAsync(new AlertNotFound(context.Message.AlertId))
            : context.RespondAsync(new AlertAccepted(alert)));
    }

    public async Task Consume(ConsumeContext<ListAlerts> context) =>
        await context.RespondAsync(new AlertList(await lifecycle.ListAsync(context.Message.Take, context.CancellationToken)));
}
