using AlertBroadcaster.Contracts;
using MassTransit;

namespace AlertBroadcaster.Broadcaster.Lifecycle;

public sealed class WithdrawAlertConsumer(AlertLifecycle lifecycle) : IConsumer<WithdrawAlert>
{
    public async Task Consume(ConsumeContext<WithdrawAlert> context) =>
        await (await lifecycle.WithdrawAsync(context.Message, context.CancellationToken)).RespondTo(context);
}
