using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Contracts;
using MassTransit;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>The Dashboard's requests about subscribers and deliveries (import, stats, retry failed).</summary>
public sealed class StaffRequestsConsumer(SubscriberImport import, AlertSends sends) :
    IConsumer<ImportSubscribers>, IConsumer<GetSubscriberStats>, IConsumer<RetryFailedDeliveries>
{
    public async Task Consume(ConsumeContext<ImportSubscribers> context) =>
        await context.RespondAsync(await import.ImportAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<GetSubscriberStats> context) =>
        await context.RespondAsync(await import.StatsAsync(context.CancellationToken));

    public async Task Consume(ConsumeContext<RetryFailedDeliveries> context)
    {
        var message = context.Message;
        var retried = message.Channel is AlertChannel.Email or AlertChannel.Sms
            ? await sends.RetryFailedAsync(message.AlertId, message.Channel, context.CancellationToken)
            : 0;
        await context.RespondAsync(new FailedDeliveriesRetried(message.AlertId, message.Channel, retried));
    }
}
