namespace AlertBroadcaster.Broadcaster.Outbox;

/// <summary>
/// An event waiting to be published, written in the same transaction as the state change it
/// announces. Our own table because the MassTransit EF outbox package is not available to this
/// project; the dispatcher publishes rows in order and marks them done.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string MessageType { get; set; }
    public required string Body { get; set; }
    public Guid AlertId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
}
