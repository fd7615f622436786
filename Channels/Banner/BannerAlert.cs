using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>
/// The stored form of a <see cref="BannerState"/>. Ended alerts stay, with the content they last
/// had, <see cref="EndedAt"/> set; rows ended before that was kept have neither.
/// </summary>
public sealed class BannerAlert
{
    public Guid Id { get; set; }
    public int Revision { get; set; }
    public AlertContent? Content { get; set; }

    /// <summary>When <see cref="Content"/> was published: the event's <c>OccurredAt</c>, not this replica's clock.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The expiry or withdrawal event's <c>OccurredAt</c>; null while live.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    public bool Withdrawn { get; set; }

    public BannerState ToState() => new(Id, Revision, Content, UpdatedAt, EndedAt, Withdrawn);
}
