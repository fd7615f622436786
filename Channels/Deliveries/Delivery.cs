using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Deliveries;

/// <summary>
/// One alert revision going out on one channel for one reason: the unit a fan-out works through.
/// Unique per (alert, revision, channel, purpose), so a redelivered event starts nothing new.
/// </summary>
public sealed class AlertSend
{
    public long Id { get; set; }

    public Guid AlertId { get; set; }

    public int Revision { get; set; }

    public AlertChannel Channel { get; set; }

    public SendPurpose Purpose { get; set; }

    /// <summary>The alert as it was when this send began: what every recipient gets.</summary>
    public required AlertSnapshot Alert { get; set; }

    /// <summary>Cancelled by a withdrawal or expiry: batches not yet sent stop.</summary>
    public bool Cancelled { get; set; }

    /// <summary>The last subscriber id the fan-out has enqueued, so a retried fan-out resumes.</summary>
    public long FanOutCursor { get; set; }

    public bool FanOutComplete { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// When the ledger first held no recipient of this send still Pending (after its fan-out was
    /// complete): set once, so its duration is recorded once however many replicas see it.
    /// </summary>
    public DateTimeOffset? CompletedAt { get; set; }
}

public enum SendPurpose
{
    /// <summary>The alert went live.</summary>
    NewAlert,
    /// <summary>A new revision the author asked subscribers to be told about.</summary>
    Update,
    /// <summary>A short note to those already told that the alert no longer applies.</summary>
    Withdrawal,
}

/// <summary>
/// The delivery ledger: one row per recipient of a send, written before sending (Pending) and
/// after (Sent or Failed). A retried or redelivered batch skips rows already Sent, so each person
/// gets each message once; a crash between the server's accept and the ledger write can repeat
/// only the messages in flight at that moment.
/// </summary>
public sealed class Delivery
{
    public long Id { get; set; }

    public long SendId { get; set; }

    public Guid AlertId { get; set; }

    public int Revision { get; set; }

    public AlertChannel Channel { get; set; }

    public long SubscriberId { get; set; }

    public DeliveryStatus Status { get; set; }

    /// <summary>Why it failed permanently (the server's answer), for staff.</summary>
    public string? Error { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>The provider that took an SMS (the fallback's name when it was used) and its id, which receipts name.</summary>
    public string? Provider { get; set; }

    public string? ProviderMessageId { get; set; }

    /// <summary>
    /// Which run of a batch job is sending this row, and until when. Hangfire may start a second run
    /// of a job it thinks abandoned while the first is still waiting out a provider's outage; a row
    /// claimed by a live run is left to it, so nobody gets a text twice.
    /// </summary>
    public Guid? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }
}

public enum DeliveryStatus
{
    Pending,
    Sent,
    /// <summary>An SMS the provider's receipt says reached the phone.</summary>
    Delivered,
    /// <summary>Refused permanently (a 5xx for that address, a failed SMS receipt); retried only when staff ask.</summary>
    Failed,
    /// <summary>Not sent: the alert was withdrawn or expired first, or the person unsubscribed.</summary>
    Cancelled,
}

/// <summary>
/// An alert withdrawn or expired: nothing more of it goes out (only a withdrawal note). Kept so
/// that a go-live event arriving after the withdrawal (another replica, a redelivery) starts nothing.
/// </summary>
public sealed class EndedAlert
{
    public Guid AlertId { get; set; }

    public DateTimeOffset EndedAt { get; set; }
}
