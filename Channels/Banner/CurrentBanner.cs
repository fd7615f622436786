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
            .Select(s => (s.Id, s.Revision, Content: s.Content!))
            .Where(a => a.Content.Channels.Contains(AlertChannel.Banner)
                && (a.Content.ExpiresAt is null || now < a.Content.ExpiresAt)
                && (site is null || a.Content.Sites.Count == 0 || a.Content.Sites.Contains(site))
                && AppliesToPath(a.Content.Paths, path))
            .ToList();

        var alerts = aimedHere
            .Where(a => a.Content.EffectiveFrom <= now)
            .OrderByDescending(a => a.Content.Severity)
            .ThenByDescending(a => a.Content.EffectiveFrom)
            .ThenBy(a => a.Id)
            .Select(a => new BannerAlertJson(a.Id, a.Revision, a.Content.Kind, a.Content.Severity, a.Content.Headline,
                a.Content.Body, AlertMarkdown.ToHtml(a.Content.Body), a.Content.Link, a.Content.Sites, a.Content.Paths,
                a.Content.EffectiveFrom, a.Content.ExpiresAt))
            .ToList();

        var validUntil = aimedHere
            .Select(a => a.Content.EffectiveFrom > now ? a.Content.EffectiveFrom : a.Content.ExpiresAt)
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
    public int MaxAgeSeconds(DateTimeOffset now, int maxAgeSeconds) => CacheLifetime.MaxAgeSeconds(ValidUntil, now, maxAgeSeconds);

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

/// <summary>Cache lifetimes that never reach past the moment an answer stops being right.</summary>
public static class CacheLifetime
{
    /// <summary>Whole seconds from <paramref name="now"/> to <paramref name="validUntil"/> (rounded down), at most <paramref name="maxAgeSeconds"/>.</summary>
    public static int MaxAgeSeconds(DateTimeOffset? validUntil, DateTimeOffset now, int maxAgeSeconds) =>
        validUntil is { } until ? (int)Math.Clamp(Math.Floor((until - now).TotalSeconds), 0, maxAgeSeconds) : maxAgeSeconds;
}
