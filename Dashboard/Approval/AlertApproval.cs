using System.Text.Json.Serialization;

namespace AlertBroadcaster.Dashboard.Approval;

/// <summary>
/// The second pair of eyes on a new alert or on a change to one. While
/// <see cref="ApprovalState.AwaitingApproval"/> the new alert (or the new revision) lives only here:
/// the Broadcaster has never seen it; approval sends the stored command on. The row is kept
/// afterwards as the record of who approved, rejected or published it urgently.
/// </summary>
public sealed class AlertApproval
{
    /// <summary>For a new alert, the alert's own id (chosen when it was submitted, so its author can follow it at once); for a change, new.</summary>
    public Guid Id { get; set; }

    public Guid AlertId { get; set; }

    public ApprovalKind Kind { get; set; }

    /// <summary>The <c>PublishAlert</c> or <c>UpdateAlert</c> command as JSON.</summary>
    public required string Command { get; set; }

    public required string SubmittedBy { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    public ApprovalState State { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>
    /// For a new alert whose end was chosen as a length ("24 hours after it starts"): kept so that
    /// approval, which moves a past start to the moment of approval, moves the end with it.
    /// </summary>
    public TimeSpan? LastsFor { get; set; }

    /// <summary>The approver's comment (required to reject), or the reason for an urgent publish.</summary>
    public string? Comment { get; set; }
}

/// <summary>What is to be approved: a new alert, or a new revision of a published one.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApprovalKind>))]
public enum ApprovalKind
{
    Publish,
    Update,
}

[JsonConverter(typeof(JsonStringEnumConverter<ApprovalState>))]
public enum ApprovalState
{
    AwaitingApproval,
    Approved,
    Rejected,
    /// <summary>Withdrawn by its author (or anyone) before anyone approved it.</summary>
    Cancelled,
    /// <summary>An Admin published it without approval, giving <see cref="AlertApproval.Comment"/> as the reason.</summary>
    PublishedUrgently,
}

/// <summary>The <c>Approval</c> configuration section.</summary>
public sealed class ApprovalOptions
{
    public const string Section = "Approval";

    /// <summary>Whether a signed-in author's alert waits for a different person with the Approver role. Default true.</summary>
    public bool Required { get; set; } = true;
}
