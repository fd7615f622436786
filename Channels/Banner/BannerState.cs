using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>
/// What the banner knows of one alert: the newest revision it has heard of, and its content
/// while it is live (null once it expired or was withdrawn).
/// </summary>
public sealed record BannerState(Guid Id, int Revision, AlertContent? Content)
{
    public bool IsLive => Content is not null;

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
