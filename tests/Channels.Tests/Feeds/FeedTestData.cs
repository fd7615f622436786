using System.Xml.Linq;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Channels.Feeds;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Channels.Tests.Feeds;

/// <summary>Alerts and requests the feed tests share.</summary>
internal static class FeedTestData
{
    /// <summary>A winter morning: UK time is UTC, offset +00:00.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static readonly SiteCatalog Sites = new(SiteCatalog.TrustSites);

    public static readonly XNamespace Atom = FeedXml.AtomNamespace;
    public static readonly XNamespace Cap = CapFeed.Namespace;

    public static FeedRequest Request(string? site = null, DateTimeOffset? now = null) =>
        new(site, now ?? Now, new Uri("https://alerts.example.nhs.uk/feeds/test"), "OUH alerts", Sites);

    public static AlertContent Content(string headline = "Visiting restrictions on ward 7", AlertSeverity severity = AlertSeverity.Warning,
        DateTimeOffset? from = null, DateTimeOffset? until = null, string[]? sites = null, AlertChannel[]? channels = null) => new()
        {
            Kind = AlertKind.VisitingRestrictions,
            Severity = severity,
            Headline = headline,
            Body = "Two visitors per bed.",
            Link = new AlertLink("Visiting", "https://www.ouh.nhs.uk/visiting"),
            EffectiveFrom = from ?? Now.AddHours(-2),
            ExpiresAt = until,
            Sites = sites ?? [],
            Channels = channels ?? [AlertChannel.Banner],
        };

    public static BannerState Live(AlertContent content, int revision = 1, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), revision, content, Now.AddHours(-1));

    public static BannerState Withdrawn(AlertContent content, DateTimeOffset endedAt, int revision = 1) =>
        new(Guid.NewGuid(), revision, content, Now.AddHours(-3), endedAt, Withdrawn: true);

    public static XDocument Parse(FeedDocument feed)
    {
        using var body = new MemoryStream(feed.Body);
        return XDocument.Load(body);
    }
}
