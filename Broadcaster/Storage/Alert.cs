using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Broadcaster.Storage;

/// <summary>An alert: its current revision and where it is in its life.</summary>
public sealed class Alert
{
    public Guid Id { get; set; }
    public int Revision { get; set; }
    public AlertStatus Status { get; set; }
    public required AlertContent Content { get; set; }

    // Copied out of Content so that the scheduler and the lists can query them.
    public DateTimeOffset EffectiveFrom { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }

    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public List<AlertRevision> Revisions { get; } = [];

    /// <summary>Bumped on every change; the concurrency token that serialises racing changes.</summary>
    public int Version { get; set; }

    public bool IsFinal => Status is AlertStatus.Expired or AlertStatus.Withdrawn;

    public AlertSnapshot ToSnapshot() => new(Id, Revision, Content);

    public AlertDetails ToDetails() => new()
    {
        Id = Id,
        Revision = Revision,
        Status = Status,
        Content = Content,
        CreatedBy = CreatedBy,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };

    /// <summary>Makes <paramref name="content"/> the next revision, kept in the history.</summary>
    public void AddRevision(AlertContent content, string author, DateTimeOffset now)
    {
        Revision++;
        Content = content;
        EffectiveFrom = content.EffectiveFrom;
        ExpiresAt = content.ExpiresAt;
        UpdatedAt = now;
        Revisions.Add(new AlertRevision { AlertId = Id, Revision = Revision, Content = content, Author = author, CreatedAt = now });
    }
}

/// <summary>One revision of an alert as its author wrote it; never changed once stored.</summary>
public sealed class AlertRevision
{
    public Guid AlertId { get; set; }
    public int Revision { get; set; }
    public required AlertContent Content { get; set; }
    public required string Author { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
