namespace AlertBroadcaster.Contracts;

// Staff requests about subscribers and deliveries. Sent by the Dashboard (its import, stats and
// retry endpoints); answered by Channels, which owns subscribers and the delivery ledger.

/// <summary>One CSV line of an import: <c>email,phone,sites,topics</c> (sites and topics <c>;</c>-separated, empty = all).</summary>
public sealed record SubscriberImportRow(int Line, string Email, string Phone, string Sites, string Topics);

/// <summary>Subscribers whose consent the trust already holds. Answered with <see cref="SubscribersImported"/>.</summary>
public sealed record ImportSubscribers(IReadOnlyList<SubscriberImportRow> Rows, string ImportedBy);

/// <summary>What an import did; a rejected line never stops the others.</summary>
public sealed record SubscribersImported(int Imported, int Updated, IReadOnlyList<ImportRejection> Rejected);

public sealed record ImportRejection(int Line, string Reason);

/// <summary>Counts of subscribers. Answered with <see cref="SubscriberStats"/>.</summary>
public sealed record GetSubscriberStats(bool IncludeSites = true);

public sealed record SubscriberStats(IReadOnlyList<ChannelSubscribers> Channels);

/// <summary>
/// One channel's subscribers by status, and how many active ones an alert for each site (or of
/// each kind) would reach: those who chose it plus those who chose every site (or kind).
/// </summary>
public sealed record ChannelSubscribers(
    AlertChannel Channel,
    int Pending,
    int Active,
    int Unsubscribed,
    IReadOnlyDictionary<string, int> ActiveBySite,
    IReadOnlyDictionary<string, int>? ActiveByTopic = null);

/// <summary>
/// Staff look for a person's subscriptions by (part of) an email address or a mobile number.
/// Answered with <see cref="SubscribersFound"/> (at most <see cref="Take"/>).
/// </summary>
public sealed record FindSubscribers(string Query, int Take = 20);

public sealed record SubscribersFound(IReadOnlyList<SubscriberSummary> Subscribers);

/// <summary>One subscription as an Admin sees it (the person's own address, since they searched for it).</summary>
public sealed record SubscriberSummary(
    long Id,
    AlertChannel Channel,
    string Address,
    string Status,
    IReadOnlyList<string> Sites,
    IReadOnlyList<AlertKind> Topics,
    DateTimeOffset? ConsentAt,
    string ConsentSource,
    DateTimeOffset CreatedAt);

/// <summary>
/// Erase a subscriber and every record of their address (GDPR right to erasure): the subscription,
/// verification codes, logged texts; deliveries not yet sent are cancelled and failure messages
/// (which may quote the address) cleared. Answered with <see cref="SubscriberErased"/>.
/// </summary>
public sealed record EraseSubscriber(long SubscriberId, string ErasedBy);

public sealed record SubscriberErased(long SubscriberId, bool Found, int DeliveriesCancelled);

/// <summary>
/// How many active subscribers an alert for these sites (empty: every site) and of this kind would
/// reach on each channel, by the same rule the fan-out uses. Answered with <see cref="RecipientCounts"/>.
/// </summary>
public sealed record CountRecipients(IReadOnlyList<string> Sites, AlertKind Kind);

public sealed record RecipientCounts(int Email, int Sms);

/// <summary>
/// "Send a test": the alert (not stored, not published) to staff test recipients only, marked
/// TEST: the configured ones and <see cref="RequesterEmail"/>. Answered with <see cref="TestAlertSent"/>.
/// </summary>
public sealed record SendTestAlert(Guid TestId, AlertContent Content, string RequestedBy, string? RequesterEmail);

/// <summary>How many test messages went, and anything that stopped one.</summary>
public sealed record TestAlertSent(Guid TestId, int Emailed, int Texted, IReadOnlyList<string> Problems);

/// <summary>Send again to the recipients that failed permanently. Answered with <see cref="FailedDeliveriesRetried"/>.</summary>
public sealed record RetryFailedDeliveries(Guid AlertId, AlertChannel Channel, string RequestedBy);

public sealed record FailedDeliveriesRetried(Guid AlertId, AlertChannel Channel, int Retried);

/// <summary>The Dashboard asks Channels for the newest texts the <c>Log</c> SMS provider recorded (nothing was sent).</summary>
public sealed record GetLoggedTexts(int Take = 200);

/// <summary>Channels' answer to <see cref="GetLoggedTexts"/>, newest first; numbers masked (last three digits).</summary>
public sealed record LoggedTexts(IReadOnlyList<LoggedText> Texts);

public sealed record LoggedText(string To, string Body, int Segments, DateTimeOffset SentAt);
