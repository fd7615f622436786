using System.Security.Cryptography;
using System.Text.Json;
using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>One alert as websites receive it from <c>GET /api/banner/current</c>.</summary>
public sealed record BannerAlertJson(
    Guid Id,
    int Revision,
    AlertKind Kind,
    AlertSeverity Severity,
    string Headline,
    string Body,
    AlertLink? Link,
    IReadOnlyList<string> Sites,
    IReadOnlyList<string> Paths,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset? ExpiresAt);

/// <summary>
/// The banner for one site and page at one instant: the live alerts that apply, most severe and
/// newest first, as the JSON body, its ETag and how long it may be cached.
/// </summary>
public sealed record CurrentBanner(byte[] Body, string ETag, int MaxAgeSeconds)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Filters by time here, at read time, so an expired alert is never served even when the
    /// expiry event is late or lost.
    /// </summary>
    public static CurrentBanner Select(IEnumerable<BannerState> live, string? site, string? path, DateTimeOffset now, int maxAgeSeconds)
    {
        var alerts = live
            .Select(s => (s.Id, s.Revision, Content: s.Content!))
            .Where(a => IsShown(a.Content, site, now) && AppliesToPath(a.Content.Paths, path))
            .OrderByDescending(a => a.Content.Severity)
            .ThenByDescending(a => a.Content.EffectiveFrom)
            .ThenBy(a => a.Id)
            .Select(a => new BannerAlertJson(a.Id, a.Revision, a.Content.Kind, a.Content.Severity, a.Content.Headline,
                a.Content.Body, a.Content.Link, a.Content.Sites, a.Content.Paths, a.Content.EffectiveFrom, a.Content.ExpiresAt))
            .ToList();

        var alertsJson = JsonSerializer.SerializeToUtf8Bytes(alerts, Json);
        // The ETag identifies the set of alerts (and their revisions), not the generatedAt stamp.
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(alertsJson).AsSpan(0, 16)) + "\"";

        var maxAge = CacheSeconds(alerts.Min(a => a.ExpiresAt), now, maxAgeSeconds);

        using var body = new MemoryStream(alertsJson.Length + 64);
        body.Write("{\"alerts\":"u8);
        body.Write(alertsJson);
        body.Write(",\"generatedAt\":"u8);
        body.Write(JsonSerializer.SerializeToUtf8Bytes(now, Json));
        body.Write("}"u8);
        return new CurrentBanner(body.ToArray(), etag, maxAge);
    }

    /// <summary>
    /// Whether a live alert's banner shows on <paramref name="site"/> (null: any site) at
    /// <paramref name="now"/>: it is for the banner channel, has started and has not expired.
    /// </summary>
    public static bool IsShown(AlertContent content, string? site, DateTimeOffset now) =>
        content.Channels.Contains(AlertChannel.Banner)
        && content.EffectiveFrom <= now
        && (content.ExpiresAt is null || now < content.ExpiresAt)
        && (site is null || content.Sites.Count == 0 || content.Sites.Contains(site));

    /// <summary>
    /// How long a response may be cached: <paramref name="maxAgeSeconds"/>, cut short so no copy
    /// outlives <paramref name="nextChange"/> (the next expiry of what it shows).
    /// </summary>
    public static int CacheSeconds(DateTimeOffset? nextChange, DateTimeOffset now, int maxAgeSeconds) =>
        nextChange is { } next ? Math.Clamp((int)Math.Floor((next - now).TotalSeconds), 0, maxAgeSeconds) : maxAgeSeconds;

    /// <summary>An alert with page paths shows only on pages at or under one of them.</summary>
    public static bool AppliesToPath(IReadOnlyList<string> prefixes, string? path)
    {
        if (prefixes.Count == 0)
        {
            return true;
        }

        var page = string.IsNullOrEmpty(path) ? "/" : path;
        foreach (var prefix in prefixes)
        {
            var trimmed = prefix.TrimEnd('/');
            if (trimmed.Length == 0
                || page.Equals(trimmed, StringComparison.OrdinalIgnoreCase)
                || page.StartsWith(trimmed + "/", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
