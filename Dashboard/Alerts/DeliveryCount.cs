using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Identity;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>The latest delivery counts Channels reported for an alert on a channel.</summary>
public sealed class DeliveryCount
{
    public Guid AlertId { get; set; }

    public AlertChannel Channel { get; set; }

    public int Revision { get; set; }

    public int Sent { get; set; }

    /// <summary>SMS: of <see cref="Sent"/>, those the provider's receipt says reached the phone.</summary>
    public int Delivered { get; set; }

    public int Failed { get; set; }

    public int Pending { get; set; }

    /// <summary>When Channels counted (UTC ticks): batches report concurrently, and the latest count wins.</summary>
    public long CountedAtTicks { get; set; }
}

/// <summary>Keeps the newest <see cref="DeliveryProgress"/> per alert and channel for the API and pages.</summary>
public sealed class DeliveryProgressConsumer(DashboardDbContext db, DeliveryProgressSignal signal) : IConsumer<DeliveryProgress>
{
    public async Task Consume(ConsumeContext<DeliveryProgress> context)
    {
        var progress = context.Message;
        var ticks = progress.OccurredAt.UtcTicks;
        var row = await db.DeliveryCounts.SingleOrDefaultAsync(d => d.AlertId == progress.AlertId && d.Channel == progress.Channel, context.CancellationToken);
        if (row is null)
        {
            row = new DeliveryCount { AlertId = progress.AlertId, Channel = progress.Channel };
            db.DeliveryCounts.Add(row);
        }
        else if (row.CountedAtTicks > ticks)
        {
            return; // An older count arriving late.
        }

        row.Revision = progress.Revision;
        row.Sent = progress.Sent;
        row.Delivered = progress.Delivered;
        row.Failed = progress.Failed;
        row.Pending = progress.Pending;
        row.CountedAtTicks = ticks;
        await db.SaveChangesAsync(context.CancellationToken);
        signal.Pulse();
    }
}

/// <summary>Progress events arrive in bursts from parallel batches: one at a time, retried on a clash.</summary>
public sealed class DeliveryProgressConsumerDefinition : ConsumerDefinition<DeliveryProgressConsumer>
{
    public DeliveryProgressConsumerDefinition() => ConcurrentMessageLimit = 1;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeliveryProgressConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000));
}
