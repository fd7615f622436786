using System.Text.Json;
using AlertBroadcaster.Broadcaster.Storage;
using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Broadcaster.Outbox;

/// <summary>Writing to and reading from the outbox: events are Contracts types, stored as JSON.</summary>
public static class Outbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds an event to the unit of work; it is published only if the transaction commits.</summary>
    public static void AddEvent<T>(this AlertsDbContext db, Guid alertId, T message, DateTimeOffset now) where T : class =>
        db.OutboxMessages.Add(new OutboxMessage
        {
            MessageType = typeof(T).FullName!,
            Body = JsonSerializer.Serialize(message, Json),
            AlertId = alertId,
            CreatedAt = now,
        });

    public static (object Message, Type Type) Read(OutboxMessage row)
    {
        var type = typeof(AlertWentLive).Assembly.GetType(row.MessageType)
            ?? throw new InvalidOperationException($"Outbox message {row.Id} has an unknown type {row.MessageType}.");
        return (JsonSerializer.Deserialize(row.Body, type, Json)!, type);
    }
}
