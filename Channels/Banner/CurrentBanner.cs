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
            .Where(a => a.Content.Channels.Contains(AlertChannel.Banner)
                && a.Content.EffectiveFrom <= now
                && (a.Content.ExpiresAt is null || now < a.Content.ExpiresAt)
                && (site is null || a.Content.Sites.Count == 0 || a.Content.Sites.Contains(site))
                && AppliesToPath(a.Content.Paths, path))
            .OrderByDescending(a => a.Content.Severity)
            .ThenByDescending(a => a.Content.EffectiveFrom)
            .ThenBy(a => a.Id)
            .Select(a => new BannerAlertJson(a.Id, a.Revision, a.Content.Kind, a.Content.Severity, a.Content.Headline,
                a.Content.Body, a.Content.Link, a.Content.Sites, a.Content.Paths, a.Content.EffectiveFrom, a.Content.ExpiresAt))
            .ToList();

        var alertsJson = JsonSerializer.SerializeToUtf8Bytes(alerts, Json);
        // The ETag identifies the set of alerts (and their revisions), not the generatedAt stamp.
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(alertsJson).AsSpan(0, 16)) + "\"";

        var nextExpiry = alerts.Where(a => a.ExpiresAt is not null).Select(a => a.ExpiresAt!.Value).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        var untilExpiry = nextExpiry == DateTimeOffset.MaxValue ? maxAgeSeconds : (int)Math.Floor((nextExpiry - now).TotalSeconds);
        var maxAge = Math.Clamp(untilExpiry, 0, maxAgeSeconds);

        using var body = new MemoryStream(alertsJson.Length + 64);
        body.Write("{\"alerts\":"u8);
        body.Write(alertsJson);
        body.Write(",\"generatedAt\":"u8);
        body.Write(JsonSerializer.SerializeToUtf8Bytes(now, Json));
        body.Write("}"u8);
        return new CurrentBanner(body.ToArray(), etag, maxAge);
    }

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
