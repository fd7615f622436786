using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Channels.Storage;
using Microsoft.EntityFrameworkCore;
using AlertBroadcaster.Contracts;
using MassTransit;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>The Dashboard's requests about subscribers and deliveries (import, stats, find, erase, retry failed, logged texts).</summary>
public sealed class StaffRequestsConsumer(SubscriberImport import, SubscriberRecords records, AlertSends sends, TestSends tests, ChannelsDbContext db) :
    IConsumer<ImportSubscribers>, IConsumer<GetSubscriberStats>, IConsumer<RetryFailedDeliveries>, IConsumer<GetLoggedTexts>,
    IConsumer<FindSubscribers>, IConsumer<EraseSubscriber>, IConsumer<CountRecipients>, IConsumer<SendTestAlert>
{
    public async Task Consume(ConsumeContext<SendTestAlert> context) =>
        await context.RespondAsync(await tests.SendAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<CountRecipients> context)
    {
        Task<int> Count(AlertChannel channel) => FanOutJob.Audience(
            db.Subscribers.AsNoTracking().Where(s => s.Channel == channel && s.Status == SubscriberStatus.Active),
            context.Message.Sites, context.Message.Kind).CountAsync(context.CancellationToken);
        await context.RespondAsync(new RecipientCounts(await Count(AlertChannel.Email), await Count(AlertChannel.Sms)));
    }

    public async Task Consume(ConsumeContext<FindSubscribers> context) =>
        await context.RespondAsync(await records.FindAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<EraseSubscriber> context) =>
        await context.RespondAsync(await records.EraseAsync(context.Message, context.CancellationToken));

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

    public async Task Consume(ConsumeContext<GetLoggedTexts> context)
    {
        var texts = await db.LoggedSms.AsNoTracking().OrderByDescending(t => t.Id).Take(Math.Clamp(context.Message.Take, 1, 1000))
            .ToListAsync(context.CancellationToken);
        await context.RespondAsync(new LoggedTexts(texts.Select(t => new LoggedText(PhoneNumberRules.Masked(t.To), t.Body, t.Segments, t.SentAt)).ToList()));
    }
}
