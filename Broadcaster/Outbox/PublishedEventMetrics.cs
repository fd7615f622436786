using System.Diagnostics.Metrics;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Broadcaster.Outbox;

/// <summary>
/// <c>alerts.published</c>: lifecycle events the outbox dispatcher handed to the bus, by
/// <c>event</c> (went_live, updated, expired, withdrawn). Counted once the broker has taken the
/// event, so a row published again after a crash counts again: it did go out twice.
/// </summary>
public sealed class PublishedEventMetrics(IMeterFactory meters)
{
    private readonly Counter<long> _published = AlertMeter.Create(meters).CreateCounter<long>(
        "alerts.published", unit: "{event}", description: "Alert lifecycle events published on the bus.");

    public void Published(Type messageType) =>
        _published.Add(1, new KeyValuePair<string, object?>("event", EventName(messageType)));

    public static string EventName(Type messageType) => messageType.Name switch
    {
        nameof(AlertWentLive) => "went_live",
        nameof(AlertUpdated) => "updated",
        nameof(AlertExpired) => "expired",
        nameof(AlertWithdrawn) => "withdrawn",
        _ => "other",
    };
}
