using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>The stored form of a <see cref="BannerState"/>; ended alerts stay as tombstones.</summary>
public sealed class BannerAlert
{
    public Guid Id { get; set; }
    public int Revision { get; set; }
    public AlertContent? Content { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public BannerState ToState() => new(Id, Revision, Content);
}
