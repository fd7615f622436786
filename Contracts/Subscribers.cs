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
/// One channel's subscribers by status, and how many active ones an alert for each site would
/// reach (those who chose the site plus those who chose every site).
/// </summary>
public sealed record ChannelSubscribers(AlertChannel Channel, int Pending, int Active, int Unsubscribed, IReadOnlyDictionary<string, int> ActiveBySite);

/// <summary>Send again to the recipients that failed permanently. Answered with <see cref="FailedDeliveriesRetried"/>.</summary>
public sealed record RetryFailedDeliveries(Guid AlertId, AlertChannel Channel, string RequestedBy);

public sealed record FailedDeliveriesRetried(Guid AlertId, AlertChannel Channel, int Retried);

/// <summary>The Dashboard asks Channels for the newest texts the <c>Log</c> SMS provider recorded (nothing was sent).</summary>
public sealed record GetLoggedTexts(int Take = 200);

/// <summary>Channels' answer to <see cref="GetLoggedTexts"/>, newest first; numbers masked (last three digits).</summary>
public sealed record LoggedTexts(IReadOnlyList<LoggedText> Texts);

public sealed record LoggedText(string To, string Body, int Segments, DateTimeOffset SentAt);
