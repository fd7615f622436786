using System.ComponentModel.DataAnnotations;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>The <c>Banner</c> configuration section.</summary>
public sealed class BannerOptions
{
    public const string Section = "Banner";

    /// <summary>Longest a browser or CDN may cache the current banner; cut short by the next expiry.</summary>
    [Range(0, 3600)]
    public int MaxAgeSeconds { get; set; } = 10;
}
