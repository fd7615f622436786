namespace AlertBroadcaster.Dashboard.Audit;

/// <summary>
/// One thing a person (or an API key) did, stored append-only: the database refuses updates and
/// deletes of these rows (a trigger in the migration), so the log cannot be quietly edited.
/// </summary>
public sealed class AuditEntry
{
    public const string Table = "AuditEntries";

    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The signed-in user's email, <c>api-key-…</c>, or <c>system</c>.</summary>
    public required string Actor { get; set; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; set; }

    /// <summary>The alert it concerns, when it concerns one.</summary>
    public Guid? AlertId { get; set; }

    /// <summary>What it was about, in words (a headline, a user's email, a reason).</summary>
    public required string Summary { get; set; }

    /// <summary>The thing as it was before (JSON), when something changed.</summary>
    public string? Before { get; set; }

    /// <summary>The thing as it was after (JSON).</summary>
    public string? After { get; set; }
}

/// <summary>The actions the audit log records; the names are stable, filters and exports use them.</summary>
public static class AuditActions
{
    public const string AlertCreated = "alert.created";
    public const string AlertSubmitted = "alert.submitted-for-approval";
    public const string AlertApproved = "alert.approved";
    public const string AlertRejected = "alert.rejected";
    public const string AlertPublishedUrgently = "alert.published-urgently";
    public const string AlertCancelled = "alert.cancelled";
    public const string AlertChanged = "alert.changed";
    public const string AlertChangeSubmitted = "alert.change-submitted-for-approval";
    public const string AlertChangeApproved = "alert.change-approved";
    public const string AlertChangeRejected = "alert.change-rejected";
    public const string AlertWithdrawn = "alert.withdrawn";
    public const string DeliveriesRetried = "alert.retried-failed";
    public const string UserCreated = "user.created";
    public const string UserChanged = "user.changed";
    public const string UserPasswordReset = "user.password-reset";
    public const string ApiKeyCreated = "api-key.created";
    public const string ApiKeyRevoked = "api-key.revoked";
    public const string SubscribersImported = "subscribers.imported";
    public const string SubscriberErased = "subscriber.erased";
    public const string TemplateChanged = "template.changed";
    public const string TestSent = "alert.test-sent";

    public static readonly string[] All =
    [
        AlertCreated, AlertSubmitted, AlertApproved, AlertRejected, AlertPublishedUrgently, AlertCancelled, AlertWithdrawn,
        AlertChanged, AlertChangeSubmitted, AlertChangeApproved, AlertChangeRejected,
        DeliveriesRetried, UserCreated, UserChanged, UserPasswordReset, ApiKeyCreated, ApiKeyRevoked, SubscribersImported, SubscriberErased, TemplateChanged, TestSent,
    ];
}
