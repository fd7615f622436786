using System.ComponentModel.DataAnnotations;

namespace AlertBroadcaster.Channels.Feeds;

/// <summary>The <c>Feeds</c> configuration section; every key has a default.</summary>
public sealed class FeedOptions
{
    public const string Section = "Feeds";

    /// <summary>The feeds' title and the CAP <c>senderName</c>.</summary>
    [Required]
    public string Title { get; set; } = "Hospital alerts";

    /// <summary>The CAP <c>sender</c>, an address that names the trust. Defaults to <c>Email:From</c>.</summary>
    [Required, RegularExpression(@"^[^\s,<&]+$", ErrorMessage = "Feeds:CapSender must have no spaces, commas, '<' or '&' (CAP 1.2 sender).")]
    public string? CapSender { get; set; }

    /// <summary>Where the feeds are served, for their self links. Defaults to <c>Email:PublicBaseUrl</c>.</summary>
    [Required, Url]
    public string? PublicBaseUrl { get; set; }

    public Uri Link(string pathAndQuery) => new(new Uri(PublicBaseUrl!.TrimEnd('/') + "/"), pathAndQuery.TrimStart('/'));
}
