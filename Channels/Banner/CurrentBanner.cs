using System.Security.Cryptography;
using System.Text.Json;
using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>One alert as websites receive it from <c>GET /api/banner/current</c>.</summary>
/// <param name="BodyHtml">The body's limited Markdown as sanitised HTML (paragraphs, emphasis, lists, https links), for sites that render it themselves.</param>
public sealed record BannerAlertJson(
    Guid Id,
    int Revision,
    AlertKind Kind,
    AlertSeverity Severity,
    string Headline,
    string Body,
    string BodyHtml,
    AlertLink? Link,
    IReadOnlyList<string> Sites,
    IReadOnlyList<string> Paths,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset? ExpiresAt);

/// <summary>
/// The banner for one site and page from one instant: the live alerts that apply, most severe and
/// newest first, as the JSON body, its ETag, and the instant it stops being right (the first
/// expiry among them, or the start of one about to apply), which bounds every cache lifetime.
/// </summary>
public sealed record CurrentBanner(IReadOnlyList<BannerAlertJson> Alerts, byte[] Body, string ETag, DateTimeOffset? ValidUntil)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Filters by time here, at read time, so an expired alert is never served even when the
    /// expiry event is late or lost.
    /// </summary>
    public static CurrentBanner Select(IEnumerable<BannerState> live, string? site, string? path, DateTimeOffset now)
    {
        var aimedHere = live
            .Where(s => IsAimedAt(s.Content!, site, now) && AppliesToPath(s.Content!.Paths, path))
            .ToList();

        var alerts = InBannerOrder(aimedHere.Where(s => s.Content!.EffectiveFrom <= now))
            .Select(s => (s.Id, s.Revision, Content: s.Content!))
            .Select(a => new BannerAlertJson(a.Id, a.Revision, a.Content.Kind, a.Content.Severity, a.Content.Headline,
                a.Content.Body, AlertMarkdown.ToHtml(a.Content.Body), a.Content.Link, a.Content.Sites, a.Content.Paths,
                a.Content.EffectiveFrom, a.Content.ExpiresAt))
            .ToList();

        var validUntil = aimedHere
            .Select(s => s.Content!.EffectiveFrom > now ? s.Content.EffectiveFrom : s.Content.ExpiresAt)
            .Where(t => t is not null)
            .Min();

        var alertsJson = JsonSerializer.SerializeToUtf8Bytes(alerts, Json);
        // The ETag identifies the set of alerts (and their revisions), not the generatedAt stamp, so
        // every replica gives the same ETag for the same banner.
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(alertsJson).AsSpan(0, 16)) + "\"";

        using var body = new MemoryStream(alertsJson.Length + 64);
        body.Write("{\"alerts\":"u8);
        body.Write(alertsJson);
        body.Write(",\"generatedAt\":"u8);
        body.Write(JsonSerializer.SerializeToUtf8Bytes(now, Json));
        body.Write("}"u8);
        return new CurrentBanner(alerts, body.ToArray(), etag, validUntil);
    }

    /// <summary>
    /// How long a browser or shared cache may keep this banner from <paramref name="now"/>: the
    /// configured maximum, cut short so that it never outlives <see cref="ValidUntil"/>.
    /// </summary>
    public int MaxAgeSeconds(DateTimeOffset now, int maxAgeSeconds) => CacheSeconds(ValidUntil, now, maxAgeSeconds);

    /// <summary>The banner's order, which the feeds keep too: most severe first, then newest, then by id so every replica agrees.</summary>
    public static IOrderedEnumerable<BannerState> InBannerOrder(IEnumerable<BannerState> alerts) =>
        alerts
            .OrderByDescending(s => s.Content!.Severity)
            .ThenByDescending(s => s.Content!.EffectiveFrom)
            .ThenBy(s => s.Id);

    /// <summary>
    /// Whether a live alert's banner shows on <paramref name="site"/> (null: any site) at
    /// <paramref name="now"/>: it is aimed there and has started.
    /// </summary>
    public static bool IsShown(AlertContent content, string? site, DateTimeOffset now) =>
        IsAimedAt(content, site, now) && content.EffectiveFrom <= now;

    /// <summary>For the banner channel, on <paramref name="site"/> (null: any site), and not expired at <paramref name="now"/>; it may not have started yet.</summary>
    private static bool IsAimedAt(AlertContent content, string? site, DateTimeOffset now) =>
        content.Channels.Contains(AlertChannel.Banner)
        && (content.ExpiresAt is null || now < content.ExpiresAt)
        && (site is null || content.Sites.Count == 0 || content.Sites.Contains(site));

    /// <summary>
    /// How long a response may be cached from <paramref name="now"/>: <paramref name="maxAgeSeconds"/>,
    /// cut short (whole seconds, rounded down) so no copy outlives <paramref name="nextChange"/>.
    /// </summary>
    public static int CacheSeconds(DateTimeOffset? nextChange, DateTimeOffset now, int maxAgeSeconds) =>
        nextChange is { } next ? (int)Math.Clamp(Math.Floor((next - now).TotalSeconds), 0, maxAgeSeconds) : maxAgeSeconds;

    /// <summary>An alert with page paths shows only on pages at or under one of them.</summary>
    public static bool AppliesToPath(IReadOnlyList<string> prefixes, string? path)
    {
        if (prefixes.Count == 0)
        {
            return true;
        }

        var page = string.IsNullOrEmpty(path) ? "/".AsSpan() : path.AsSpan();
        foreach (var prefix in prefixes)
        {
            var trimmed = prefix.AsSpan().TrimEnd('/');
            if (trimmed.Length == 0
                || (page.StartsWith(trimmed, StringComparison.OrdinalIgnoreCase)
                    && (page.Length == trimmed.Length || page[trimmed.Length] == '/')))
            {
                return true;
            }
        }

        return false;
    }
}
