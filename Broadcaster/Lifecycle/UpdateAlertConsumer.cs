using AlertBroadcaster.Contracts;
using MassTransit;

namespace AlertBroadcaster.Broadcaster.Lifecycle;

public sealed class UpdateAlertConsumer(AlertLifecycle lifecycle) : IConsumer<UpdateAlert>
{
    public async Task Consume(ConsumeContext<UpdateAlert> context) =>
        await (await lifecycle.UpdateAsync(context.Message, context.CancellationToken)).RespondTo(context);
}
