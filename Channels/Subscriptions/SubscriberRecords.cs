using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>Staff finding a person's subscriptions, and erasing them for good (GDPR).</summary>
public sealed class SubscriberRecords(ChannelsDbContext db, IOptions<SmsOptions> sms, ILogger<SubscriberRecords> logger)
{
    private readonly PhoneNumberRules _phones = new(sms.Value.EffectiveRegions);

    /// <summary>A mobile number matches exactly (in any usual form: 07700 900123, +44 7700 900123); anything else is a part of an email address.</summary>
    public async Task<SubscribersFound> FindAsync(FindSubscribers query, CancellationToken cancellationToken)
    {
        var text = query.Query.Trim();
        if (text.Length < 3)
        {
            return new SubscribersFound([]);
        }

        var matches = _phones.TryNormalise(text, out var number, out _)
            ? db.Subscribers.Where(s => s.Channel == AlertChannel.Sms && s.Address == number)
            : db.Subscribers.Where(s => s.Channel == AlertChannel.Email && s.Address.Contains(text.ToLowerInvariant()));
        var found = await matches.OrderBy(s => s.Address).Take(Math.Clamp(query.Take, 1, 100)).AsNoTracking().ToListAsync(cancellationToken);
        return new SubscribersFound(found.Select(s => new SubscriberSummary(
            s.Id, s.Channel, s.Address, s.Status.ToString(), s.SiteList, s.TopicList, s.ConsentAt, s.ConsentSource, s.CreatedAt)).ToList());
    }

    /// <summary>
    /// Removes the subscription and every record that holds the address. The delivery ledger keeps
    /// its rows (counts stay right) but they hold only the subscriber's number, which now points at nothing.
    /// </summary>
    public async Task<SubscriberErased> EraseAsync(EraseSubscriber command, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == command.SubscriberId, cancellationToken) is not { } subscriber)
        {
            return new SubscriberErased(command.SubscriberId, Found: false, DeliveriesCancelled: 0);
        }

        var cancelled = await db.Deliveries
            .Where(d => d.SubscriberId == subscriber.Id && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.Status, DeliveryStatus.Cancelled), cancellationToken);
        // A mail server's refusal can quote the address.
        await db.Deliveries
            .Where(d => d.SubscriberId == subscriber.Id && d.Error != null)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.Error, "(erased)"), cancellationToken);
        if (subscriber.Channel == AlertChannel.Sms)
        {
            await db.SmsVerifications.Where(v => v.Number == subscriber.Address).ExecuteDeleteAsync(cancellationToken);
            await db.LoggedSms.Where(t => t.To == subscriber.Address).ExecuteDeleteAsync(cancellationToken);
        }

        await db.Subscribers.Where(s => s.Id == subscriber.Id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Subscriber {SubscriberId} erased by staff request", subscriber.Id);
        return new SubscriberErased(subscriber.Id, Found: true, cancelled);
    }
}
