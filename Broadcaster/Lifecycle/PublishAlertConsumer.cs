using AlertBroadcaster.Contracts;
using MassTransit;

namespace AlertBroadcaster.Broadcaster.Lifecycle;

public sealed class PublishAlertConsumer(AlertLifecycle lifecycle) : IConsumer<PublishAlert>
{
    public async Task Consume(ConsumeContext<PublishAlert> context) =>
        await (await lifecycle.PublishAsync(context.Message, context.CancellationToken)).RespondTo(context);
}
