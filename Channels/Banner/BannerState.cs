using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>
/// What the banner knows of one alert: the newest revision it has heard of, its content, and
/// whether and when it ended. An ended alert keeps the content it last had (the feeds' Cancel
/// messages repeat it); a state with no content is ended too (rows stored before the end was kept).
/// </summary>
/// <param name="ChangedAt">When the Broadcaster published <see cref="Content"/> (the event's <c>OccurredAt</c>, the same on every replica).</param>
/// <param name="EndedAt">When the alert expired or was withdrawn; null while it runs.</param>
/// <param name="Withdrawn">Ended by staff rather than by reaching its expiry.</param>
public sealed record BannerState(
    Guid Id,
    int Revision,
    AlertContent? Content,
    DateTimeOffset ChangedAt,
    DateTimeOffset? EndedAt = null,
    bool Withdrawn = false)
{
    public bool IsLive => Content is not null && EndedAt is null;

    /// <summary>The end of an alert, as its expiry or withdrawal event says; the content is filled from the store.</summary>
    public static BannerState Ended(Guid id, int revision, DateTimeOffset endedAt, bool withdrawn) =>
        new(id, revision, null, endedAt, endedAt, withdrawn);

    /// <summary>
    /// Whether <paramref name="incoming"/> should replace <paramref name="current"/>. A newer
    /// revision wins; at the same revision an end wins over a start, so events arriving out of
    /// order or twice can never bring an alert back or restore old text.
    /// </summary>
    public static bool Supersedes(BannerState incoming, BannerState? current) =>
        current is null
        || incoming.Revision > current.Revision
        || (incoming.Revision == current.Revision && current.IsLive && !incoming.IsLive);
}
