using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>
/// An alert as each channel would deliver it, made by the code that delivers it: the email by
/// Channels' own composer, the text by the same composition and count. The email's HTML is kept a
/// few minutes for the preview frame, which loads it by an unguessable id.
/// </summary>
public sealed class AlertPreviews(IMemoryCache cache, IOptions<EmailOptions> email, IOptions<SmsTextOptions> sms, SiteCatalog sites, TimeProvider time)
{
    public static readonly TimeSpan Kept = TimeSpan.FromMinutes(15);

    public AlertPreview For(AlertContent content)
    {
        var options = email.Value;
        var rendered = AlertEmail.Render(new AlertSnapshot(Guid.Empty, 0, content), AlertEmailPurpose.NewAlert,
            new AlertEmailSettings(options.From, options.FromName, AlertEmailCache.MessageIdDomain(options.From)), sites);
        using var sent = rendered.For("subscriber@example.org", options.Link("subscriptions/manage"), options.Link("unsubscribe"), time.GetUtcNow());
        using var message = AlertEmail.AsReceived(sent);
        var id = Guid.NewGuid().ToString("N");
        cache.Set(CacheKey(id), message.HtmlBody ?? "", Kept);
        if (content.Channels.Contains(AlertChannel.Banner))
        {
            cache.Set(BannerKey(id), BannerJson(content), Kept);
        }

        var text = SmsText.Compose(content, sms.Value);
        return new AlertPreview(content, rendered.Subject, message.TextBody ?? "", id, text, SmsSegments.Measure(text));
    }

    /// <summary>A banner alone (for "Send me a test": the test's banner, shown to the person testing); returns its id for <see cref="BannerJson(string)"/>.</summary>
    public string Banner(AlertContent content)
    {
        var id = Guid.NewGuid().ToString("N");
        cache.Set(BannerKey(id), BannerJson(content), Kept);
        return id;
    }

    /// <summary>The HTML of a preview made in the last few minutes, or null.</summary>
    public string? EmailHtml(string id) => cache.TryGetValue(CacheKey(id), out string? html) ? html : null;

    /// <summary>
    /// The banner of a preview made in the last few minutes, as <c>/api/banner/current</c> would answer
    /// with it live, for banner.js to draw exactly as websites do (or null). Never in the public banner.
    /// </summary>
    public byte[]? BannerJson(string id) => cache.TryGetValue(BannerKey(id), out byte[]? json) ? json : null;

    private byte[] BannerJson(AlertContent content)
    {
        var now = time.GetUtcNow();
        // Shown now and on this page whatever its schedule and audience: the preview is about how it looks.
        var shown = content with { Channels = [AlertChannel.Banner], EffectiveFrom = now, ExpiresAt = null, Paths = [] };
        return CurrentBanner.Select([new BannerState(Guid.NewGuid(), 1, shown, now)], null, null, now).Body;
    }

    private static string CacheKey(string id) => $"email-preview:{id}";

    private static string BannerKey(string id) => $"banner-preview:{id}";
}

/// <summary>What the preview shows: the email's subject and text, the banner and the email's HTML (by <see cref="PreviewId"/>), the text message and its size.</summary>
public sealed record AlertPreview(AlertContent Content, string EmailSubject, string EmailText, string PreviewId, string SmsText, SmsSize SmsSize);
