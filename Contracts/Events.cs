namespace AlertBroadcaster.Contracts;

// Lifecycle events, all published by the Broadcaster through its outbox (at least once, possibly
// out of order). Consumers keep the highest revision they have seen per alert and ignore any
// event about an older one, so a late event can never bring back old text.

/// <summary>
/// The alert is now in force: channels start delivering it. Published by the Broadcaster at
/// effectiveFrom; consumed by Channels (banner projection, email and SMS fan-out).
/// </summary>
public sealed record AlertWentLive(AlertSnapshot Alert, DateTimeOffset OccurredAt);

/// <summary>
/// A live alert has a new revision. Published by the Broadcaster; consumed by Channels, which
/// replace the text and re-notify subscribers only when <see cref="AlertContent.NotifySubscribers"/> is set.
/// </summary>
public sealed record AlertUpdated(AlertSnapshot Alert, DateTimeOffset OccurredAt);

/// <summary>
/// The alert reached expiresAt. Published by the Broadcaster; consumed by Channels, which stop
/// showing and sending it.
/// </summary>
public sealed record AlertExpired(Guid AlertId, int Revision, DateTimeOffset OccurredAt);

/// <summary>
/// Staff withdrew the alert (before or after it went live). Published by the Broadcaster;
/// consumed by Channels, which stop showing and sending it, and send a withdrawal note to
/// those already told when <see cref="NotifySubscribers"/> is set.
/// </summary>
public sealed record AlertWithdrawn(Guid AlertId, int Revision, bool NotifySubscribers, DateTimeOffset OccurredAt);

/// <summary>
/// Delivery counts for one alert revision on one channel. Published by Channels as batches
/// complete and receipts arrive; consumed by the Dashboard. <paramref name="Sent"/> counts every
/// message the server or provider took, <paramref name="Delivered"/> (SMS) those whose receipt says
/// they reached the phone.
/// </summary>
public sealed record DeliveryProgress(Guid AlertId, int Revision, AlertChannel Channel, int Sent, int Failed, int Pending, DateTimeOffset OccurredAt, int Delivered = 0);
