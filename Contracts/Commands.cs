namespace AlertBroadcaster.Contracts;

/// <summary>
/// Store a new alert and put it on its way: Live now when <see cref="AlertContent.EffectiveFrom"/>
/// has come, otherwise Scheduled. Sent by the Dashboard (as a request); consumed by the
/// Broadcaster, which answers <see cref="AlertAccepted"/> or <see cref="AlertRejected"/>.
/// Sending the same <see cref="AlertId"/> twice is harmless: the second answers with the stored alert.
/// </summary>
public sealed record PublishAlert(Guid AlertId, AlertContent Content, string RequestedBy);

/// <summary>
/// Replace the content of an alert with a new revision. Sent by the Dashboard; consumed by the
/// Broadcaster, which answers <see cref="AlertAccepted"/>, <see cref="AlertRejected"/> or
/// <see cref="AlertNotFound"/>.
/// </summary>
public sealed record UpdateAlert(Guid AlertId, AlertContent Content, string RequestedBy);

/// <summary>
/// Take an alert down everywhere now (or cancel it before it goes live). Sent by the Dashboard;
/// consumed by the Broadcaster, which answers <see cref="AlertAccepted"/> or
/// <see cref="AlertNotFound"/>. Withdrawing a withdrawn or expired alert changes nothing.
/// </summary>
public sealed record WithdrawAlert(Guid AlertId, string RequestedBy, bool NotifySubscribers = false);

/// <summary>Ask the Broadcaster for one alert; answered by <see cref="AlertAccepted"/> or <see cref="AlertNotFound"/>.</summary>
public sealed record GetAlert(Guid AlertId);

/// <summary>Ask the Broadcaster for the newest alerts; answered by <see cref="AlertList"/>.</summary>
public sealed record ListAlerts(int Take = 200);

/// <summary>The Broadcaster's answer: the alert as stored after the command.</summary>
public sealed record AlertAccepted(AlertDetails Alert);

/// <summary>The Broadcaster's answer when a command fails validation: field name → messages.</summary>
public sealed record AlertRejected(Guid AlertId, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>The Broadcaster's answer when no alert has the id asked for.</summary>
public sealed record AlertNotFound(Guid AlertId);

/// <summary>The Broadcaster's answer to <see cref="ListAlerts"/>, newest first.</summary>
public sealed record AlertList(IReadOnlyList<AlertDetails> Alerts);
