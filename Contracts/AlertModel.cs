using System.Text.Json.Serialization;

namespace AlertBroadcaster.Contracts;

/// <summary>What an alert is about; drives templates and subscribers' topics.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertKind>))]
public enum AlertKind
{
    General,
    VisitingRestrictions,
    FaceCoverings,
    RecruitmentClosed,
}

/// <summary>How serious an alert is (after CAP 1.2 severity, simplified).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertSeverity>))]
public enum AlertSeverity
{
    Info,
    Warning,
    Urgent,
}

/// <summary>Where an alert is in its life. Expired and Withdrawn are final.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertStatus>))]
public enum AlertStatus
{
    Draft,
    AwaitingApproval,
    Scheduled,
    Live,
    Expired,
    Withdrawn,
}

/// <summary>A place an alert is delivered to.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<AlertChannel>))]
public enum AlertChannel
{
    Banner,
    Email,
    Sms,
}

/// <summary>An optional "find out more" link; the URL is always https.</summary>
public sealed record AlertLink(string Text, string Url);

/// <summary>
/// The words and the audience of one revision of an alert, as the author wrote them.
/// Times are UTC instants; <see cref="ExpiresAt"/> null means "until withdrawn".
/// </summary>
public sealed record AlertContent
{
    public AlertKind Kind { get; init; } = AlertKind.General;
    public AlertSeverity Severity { get; init; } = AlertSeverity.Info;
    public required string Headline { get; init; }
    /// <summary>Limited Markdown; sanitised when rendered.</summary>
    public string Body { get; init; } = "";
    public AlertLink? Link { get; init; }
    /// <summary>Text for SMS; the headline is used when absent.</summary>
    public string? SmsText { get; init; }
    public IReadOnlyList<AlertChannel> Channels { get; init; } = [AlertChannel.Banner];
    /// <summary>Site slugs; empty means every site.</summary>
    public IReadOnlyList<string> Sites { get; init; } = [];
    /// <summary>Page-path prefixes for banners; empty means every page.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];
    public required DateTimeOffset EffectiveFrom { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>Whether subscribers are told about this revision (an update or a withdrawal).</summary>
    public bool NotifySubscribers { get; init; } = true;
}

/// <summary>
/// One revision of an alert as the Broadcaster stored it: the payload of the lifecycle events,
/// so that a consumer never has to ask for the text of the alert it was told about.
/// </summary>
public sealed record AlertSnapshot(Guid Id, int Revision, AlertContent Content);

/// <summary>An alert as the staff API and Dashboard show it.</summary>
public sealed record AlertDetails
{
    public required Guid Id { get; init; }
    public required int Revision { get; init; }
    public required AlertStatus Status { get; init; }
    public required AlertContent Content { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}
