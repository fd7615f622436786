using System.Text.Json.Serialization;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Approval;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>
/// The body of <c>POST /api/alerts</c>: the banner JSON's fields plus <c>channels</c>,
/// <c>smsText</c> and <c>notifySubscribers</c>. Omitted: kind General, severity Info, channels
/// [banner], every site and page, effective now, until withdrawn.
/// </summary>
public sealed record AlertRequest
{
    public AlertKind Kind { get; init; } = AlertKind.General;
    public AlertSeverity Severity { get; init; } = AlertSeverity.Info;
    public string? Headline { get; init; }
    public string? Body { get; init; }
    public AlertLink? Link { get; init; }
    public string? SmsText { get; init; }
    public IReadOnlyList<AlertChannel>? Channels { get; init; }
    public IReadOnlyList<string>? Sites { get; init; }
    public IReadOnlyList<string>? Paths { get; init; }
    public DateTimeOffset? EffectiveFrom { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public bool NotifySubscribers { get; init; } = true;

    /// <summary>Admins only: publish without approval, for this reason (recorded in the audit log).</summary>
    public string? UrgentReason { get; init; }

    public AlertContent ToContent(DateTimeOffset now) => new()
    {
        Kind = Kind,
        Severity = Severity,
        Headline = Headline ?? "",
        Body = Body ?? "",
        Link = Link,
        SmsText = SmsText,
        Channels = Channels ?? [AlertChannel.Banner],
        Sites = Sites ?? [],
        Paths = Paths ?? [],
        EffectiveFrom = EffectiveFrom ?? now,
        ExpiresAt = ExpiresAt,
        NotifySubscribers = NotifySubscribers,
    };
}

/// <summary>
/// An alert as the staff API returns it. <see cref="Status"/> is the Broadcaster's status, or one
/// of the Dashboard's while it holds a new alert (revision 0): <c>AwaitingApproval</c>,
/// <c>Rejected</c> or <c>Cancelled</c> (see <see cref="Approval"/>), <c>Queued</c> while the
/// Broadcaster cannot be reached, <c>Refused</c> with <see cref="Refusal"/> if it turned it down.
/// </summary>
public sealed record AlertResponse(
    Guid Id,
    int Revision,
    string Status,
    AlertKind Kind,
    AlertSeverity Severity,
    string Headline,
    string Body,
    AlertLink? Link,
    string? SmsText,
    IReadOnlyList<AlertChannel> Channels,
    IReadOnlyList<string> Sites,
    IReadOnlyList<string> Paths,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset? ExpiresAt,
    bool NotifySubscribers,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string[]>? Refusal { get; init; }

    /// <summary>Who submitted, approved, rejected or urgently published it, when approval was involved.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ApprovalResponse? Approval { get; init; }

    /// <summary>A change waiting for approval: the alert as it would be (status <c>AwaitingApproval</c>); the alert itself is unchanged until then.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AlertResponse? PendingChange { get; init; }

    /// <summary>Per channel that sends to people: <c>email: {sent, failed, pending}</c>, <c>sms: {sent, delivered, failed, pending}</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, DeliveryCountsResponse>? Delivery { get; init; }

    public static AlertResponse From(AlertDetails alert) =>
        From(alert.Id, alert.Revision, alert.Status.ToString(), alert.Content, alert.CreatedBy, alert.CreatedAt, alert.UpdatedAt);

    public static AlertResponse From(QueuedAlertView queued) =>
        From(queued.Id, 0, queued.Status, queued.Command.Content, queued.Command.RequestedBy, queued.QueuedAt, queued.QueuedAt) with
        {
            Refusal = queued.Refusal,
        };

    public static AlertResponse From(ApprovalView approval) =>
        From(approval.Id, 0, approval.State.ToString(), approval.Content, approval.SubmittedBy, approval.SubmittedAt, approval.DecidedAt ?? approval.SubmittedAt) with
        {
            Approval = ApprovalResponse.From(approval),
        };

    private static AlertResponse From(
        Guid id, int revision, string status, AlertContent c, string createdBy, DateTimeOffset createdAt, DateTimeOffset updatedAt) =>
        new(id, revision, status, c.Kind, c.Severity, c.Headline, c.Body, c.Link, c.SmsText,
            c.Channels, c.Sites, c.Paths, c.EffectiveFrom, c.ExpiresAt, c.NotifySubscribers, createdBy, createdAt, updatedAt);
}

/// <summary>The <c>approval</c> object: <c>state</c> is AwaitingApproval, Approved, Rejected, Cancelled or PublishedUrgently; <c>comment</c> is the approver's comment or the urgent reason.</summary>
public sealed record ApprovalResponse(
    Guid RequestId,
    ApprovalState State,
    string SubmittedBy,
    DateTimeOffset SubmittedAt,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Comment)
{
    public static ApprovalResponse From(ApprovalView view) =>
        new(view.RowId, view.State, view.SubmittedBy, view.SubmittedAt, view.DecidedBy, view.DecidedAt, view.Comment);
}

/// <summary>
/// The body of <c>POST /api/alerts/{id}/approve</c> (optional) and <c>/reject</c> (comment
/// required). <c>requestId</c>, from <c>approval.requestId</c> or <c>pendingChange.approval.requestId</c>,
/// makes sure what is decided is what was read: if something else waits now, the answer is 409.
/// </summary>
public sealed record ApprovalDecision(string? Comment, Guid? RequestId = null);

/// <summary>The body of <c>GET /api/alerts</c>.</summary>
public sealed record AlertListResponse(IReadOnlyList<AlertResponse> Alerts);

/// <summary>
/// Where an alert's deliveries on one channel stand. <c>sent</c> counts the messages the mail
/// server or SMS provider took (less any whose receipt later said they failed);
/// <c>delivered</c> (SMS only) those whose receipt says they reached the phone; <c>failed</c> those
/// refused for good or reported undelivered.
/// </summary>
public sealed record DeliveryCountsResponse(
    int Sent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Delivered,
    int Failed,
    int Pending)
{
    /// <summary>The <c>delivery</c> object: each of <paramref name="channels"/> that sends to people, zeros until Channels reports.</summary>
    public static Dictionary<string, DeliveryCountsResponse> For(IEnumerable<AlertChannel> channels, IReadOnlyList<DeliveryCount> counts) =>
        channels.Where(c => c != AlertChannel.Banner).ToDictionary(
            c => c.ToString().ToLowerInvariant(),
            c => counts.FirstOrDefault(d => d.Channel == c) is { } n
                ? new DeliveryCountsResponse(n.Sent, c == AlertChannel.Sms ? n.Delivered : null, n.Failed, n.Pending)
                : new DeliveryCountsResponse(0, c == AlertChannel.Sms ? 0 : null, 0, 0));
}
