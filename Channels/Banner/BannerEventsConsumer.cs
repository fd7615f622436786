using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>
/// Keeps the banner projection: stores the newest state of each alert, then updates the
/// in-memory view the endpoint reads. Older or repeated events are ignored.
/// </summary>
public sealed class BannerEventsConsumer(ChannelsDbContext db, BannerProjection projection, ILogger<BannerEventsConsumer> logger) :
    IConsumer<AlertWentLive>,
    IConsumer<AlertUpdated>,
    IConsumer<AlertExpired>,
    IConsumer<AlertWithdrawn>
{
    public Task Consume(ConsumeContext<AlertWentLive> context) =>
        ApplyAsync(Started(context.Message.Alert, context.Message.OccurredAt), context.CancellationToken);

    public Task Consume(ConsumeContext<AlertUpdated> context) =>
        ApplyAsync(Started(context.Message.Alert, context.Message.OccurredAt), context.CancellationToken);

    public Task Consume(ConsumeContext<AlertExpired> context) =>
        ApplyAsync(BannerState.Ended(context.Message.AlertId, context.Message.Revision, context.Message.OccurredAt, withdrawn: false), context.CancellationToken);

    public Task Consume(ConsumeContext<AlertWithdrawn> context) =>
        ApplyAsync(BannerState.Ended(context.Message.AlertId, context.Message.Revision, context.Message.OccurredAt, withdrawn: true), context.CancellationToken);

    private static BannerState Started(AlertSnapshot alert, DateTimeOffset occurredAt) => new(alert.Id, alert.Revision, alert.Content, occurredAt);

    private async Task ApplyAsync(BannerState incoming, CancellationToken cancellationToken)
    {
        BannerState stored;
        try
        {
            stored = await StoreAsync(incoming, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another replica stored this alert at the same moment: read what it wrote.
            db.ChangeTracker.Clear();
            stored = await StoreAsync(incoming, cancellationToken);
        }

        // Memory follows the store, even when the store already had it from another replica.
        if (projection.Apply(stored))
        {
            logger.LogInformation("Banner now holds alert {AlertId} revision {Revision} ({State})",
                stored.Id, stored.Revision, stored.IsLive ? "live" : "ended");
        }
    }

    /// <summary>Writes <paramref name="incoming"/> if it supersedes the stored state; returns the state now stored.</summary>
    private async Task<BannerState> StoreAsync(BannerState incoming, CancellationToken cancellationToken)
    {
        var row = await db.BannerAlerts.FindAsync([incoming.Id], cancellationToken);
        if (!BannerState.Supersedes(incoming, row?.ToState()))
        {
            return row!.ToState();
        }

        if (row is null)
        {
            db.BannerAlerts.Add(row = new BannerAlert { Id = incoming.Id });
        }

        row.Revision = incoming.Revision;
        if (incoming.IsLive || row.Content is null)
        {
            // Times come from the event, so every replica stores the same ones.
            row.Content = incoming.Content;
            row.UpdatedAt = incoming.ChangedAt;
        }

        // An end keeps the text it ends (the feeds' Cancel repeats it) and the time it was published.
        row.EndedAt = incoming.EndedAt;
        row.Withdrawn = incoming.Withdrawn;
        await db.SaveChangesAsync(cancellationToken);
        return row.ToState();
    }
}

/// <summary>
/// One at a time: the banner events are few, and serial application keeps the store and the
/// in-memory view in the same order. Immediate retries cover a locked database.
/// </summary>
public sealed class BannerEventsConsumerDefinition : ConsumerDefinition<BannerEventsConsumer>
{
    public BannerEventsConsumerDefinition(IConfiguration configuration)
    {
        var instance = HostInstance.From(configuration);
        ConcurrentMessageLimit = 1;
        // Every replica keeps its own in-memory view, so every replica needs every event.
        Endpoint(e => InstanceEndpoint.Name(e, "banner-events", instance));
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<BannerEventsConsumer> consumerConfigurator, IRegistrationContext context)
    {
        InstanceEndpoint.Configure(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 500, 1000));
    }
}
