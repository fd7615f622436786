using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Broadcaster.Lifecycle;

/// <summary>
/// The rules an alert's content must meet before anything is stored. Used by the Broadcaster's
/// consumers and, for an immediate answer, by the Dashboard's API and pages. Error keys are the
/// JSON field names of the public contract.
/// </summary>
public sealed class AlertValidator(SiteCatalog sites, TimeProvider time, IOptions<SmsTextOptions> sms)
{
    public const int HeadlineMaxLength = 120;
    public const int BodyMaxLength = 2000;
    public const int LinkTextMaxLength = 100;
    public const int UrlMaxLength = 2000;
    public const int SmsTextMaxLength = 1000;
    public const int PathMaxLength = 200;

    public Dictionary<string, string[]> Validate(AlertContent content)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (!Enum.IsDefined(content.Kind))
        {
            Add("kind", $"Kind must be one of {string.Join(", ", Enum.GetNames<AlertKind>())}.");
        }

        if (!Enum.IsDefined(content.Severity))
        {
            Add("severity", $"Severity must be one of {string.Join(", ", Enum.GetNames<AlertSeverity>())}.");
        }

        if (string.IsNullOrWhiteSpace(content.Headline))
        {
            Add("headline", "Enter a headline.");
        }
        else if (content.Headline.Length > HeadlineMaxLength)
        {
            Add("headline", $"Headline must be {HeadlineMaxLength} characters or fewer (it has {content.Headline.Length}).");
        }
        else if (content.Headline.Any(char.IsControl))
        {
            Add("headline", "Headline must be a single line of text.");
        }
        else if (HiddenCharacter(content.Headline) is { } hidden)
        {
            Add("headline", $"Headline {hidden}");
        }

        if ((content.Body ?? "").Length > BodyMaxLength)
        {
            Add("body", $"Body must be {BodyMaxLength} characters or fewer (it has {content.Body!.Length}).");
        }
        else if (HiddenCharacter(content.Body) is { } hidden)
        {
            Add("body", $"Body {hidden}");
        }

        if (content.Link is { } link)
        {
            if (string.IsNullOrWhiteSpace(link.Text))
            {
                Add("link.text", "Enter the text for the link.");
            }
            else if (link.Text.Length > LinkTextMaxLength)
            {
                Add("link.text", $"Link text must be {LinkTextMaxLength} characters or fewer.");
            }
            else if (link.Text.Any(char.IsControl))
            {
                Add("link.text", "Link text must be a single line of text.");
            }
            else if (HiddenCharacter(link.Text) is { } hidden)
            {
                Add("link.text", $"Link text {hidden}");
            }

            if (!IsHttpsUrl(link.Url))
            {
                Add("link.url", "Link must be a full address starting with https://.");
            }
        }

        if (content.SmsText is { Length: > SmsTextMaxLength })
        {
            Add("smsText", $"SMS text must be {SmsTextMaxLength} characters or fewer.");
        }
        else if (HiddenCharacter(content.SmsText) is { } hidden)
        {
            Add("smsText", $"SMS text {hidden}");
        }

        else if (content.Channels?.Contains(AlertChannel.Sms) == true && !string.IsNullOrWhiteSpace(content.Headline) && !errors.ContainsKey("headline"))
        {
            // Counted as sent: the SMS text (or headline) with the opt-out hint; every part is billed.
            var size = SmsSegments.Measure(SmsText.Compose(content, sms.Value));
            if (size.Segments > sms.Value.MaxSegments)
            {
                var field = string.IsNullOrWhiteSpace(content.SmsText) ? "headline" : "smsText";
                Add("smsText", $"The text message would be {size.Describe()}, with the opt-out hint; the limit is {sms.Value.MaxSegments}. "
                    + (field == "headline" ? "Write a shorter SMS text." : "Shorten the SMS text.")
                    + (size.Encoding == SmsEncoding.Ucs2 ? " Curly quotes, emoji and some accented letters make every part shorter." : ""));
            }
        }

        if (content.Channels is null || content.Channels.Count == 0)
        {
            Add("channels", "Choose at least one channel.");
        }
        else if (content.Channels.Any(c => !Enum.IsDefined(c)))
        {
            Add("channels", $"Channels must be among {string.Join(", ", Enum.GetNames<AlertChannel>())}.");
        }

        foreach (var site in content.Sites ?? [])
        {
            if (!sites.Contains(site))
            {
                Add("sites", site is null ? "A site cannot be empty." : $"Unknown site '{site}'. Known sites: {string.Join(", ", sites.All.Select(s => s.Slug))}.");
            }
        }

        foreach (var path in content.Paths ?? [])
        {
            if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Length > PathMaxLength || path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                Add("paths", $"Page path '{path}' must start with / and have no spaces ({PathMaxLength} characters at most).");
            }
        }

        if (content.ExpiresAt is { } expiresAt)
        {
            if (expiresAt <= time.GetUtcNow())
            {
                Add("expiresAt", "Expiry time must be in the future.");
            }
            else if (expiresAt <= content.EffectiveFrom)
            {
                Add("expiresAt", "Expiry time must be after the start time.");
            }
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    /// <summary>
    /// Characters that change how text reads without showing themselves: bidirectional embeddings,
    /// overrides and isolates (U+202E can make "closed" display as "desolc", or move words in a
    /// headline an NHS trust signs off) and zero-width or invisible characters (U+200B splits a word
    /// so it escapes a search, and turns an SMS into the Unicode encoding, doubling its parts). Nobody
    /// types them; they arrive pasted, or on purpose. Joiners (U+200C, U+200D) stay: emoji sequences
    /// and some scripts need them. The message names the character and where it is, so it can be found.
    /// </summary>
    public static string? HiddenCharacter(string? text)
    {
        for (var i = 0; i < (text?.Length ?? 0); i++)
        {
            var c = text![i];
            if (c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200B' or (>= '\u2060' and <= '\u2064') or '\uFEFF')
            {
                return $"contains an invisible character (U+{(int)c:X4}{(c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') ? ", which changes the direction of the text" : "")}) "
                    + (i == 0 ? "at the start" : $"after \"{text[Math.Max(0, i - 20)..i]}\"") + ". Remove it, and type the text again if it was pasted.";
            }
        }

        return null;
    }

    private static bool IsHttpsUrl(string? url) =>
        url is { Length: > 0 and <= UrlMaxLength }
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && !string.IsNullOrEmpty(uri.Host);

    /// <summary>The content as it is stored: trimmed text, UTC instants, no duplicate audiences.</summary>
    public static AlertContent Normalise(AlertContent content) => content with
    {
        Headline = content.Headline.Trim(),
        Body = (content.Body ?? "").Trim(),
        Link = content.Link is { } link ? new AlertLink(link.Text.Trim(), link.Url.Trim()) : null,
        SmsText = string.IsNullOrWhiteSpace(content.SmsText) ? null : content.SmsText.Trim(),
        Channels = (content.Channels ?? []).Distinct().ToList(),
        Sites = (content.Sites ?? []).Distinct().ToList(),
        Paths = (content.Paths ?? []).Distinct().ToList(),
        EffectiveFrom = content.EffectiveFrom.ToUniversalTime(),
        ExpiresAt = content.ExpiresAt?.ToUniversalTime(),
    };
}
