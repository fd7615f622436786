using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using MimeKit;

namespace AlertBroadcaster.Channels.Email;

/// <summary>Why a subscriber is being emailed about an alert.</summary>
public enum AlertEmailPurpose
{
    NewAlert,
    Update,
    Withdrawal,
}

/// <summary>What the composer needs from configuration.</summary>
public sealed record AlertEmailSettings(string FromAddress, string FromName, string MessageIdDomain);

/// <summary>
/// One alert revision as an email: HTML (NHS-styled, accessible, no images) and plain text. The
/// expensive parts (Markdown, sanitising, layout) are rendered once per send; <see cref="For"/>
/// only puts each person's manage and unsubscribe links in, so 100,000 messages cost 100,000
/// string replacements, not 100,000 renders. Everything from the alert is encoded or sanitised.
/// </summary>
public sealed class AlertEmail
{
    // Placeholders no alert text can contain: control characters are stripped from the text.
    private const string ManageMark = "\u0001manage\u0001";
    private const string UnsubscribeMark = "\u0001unsubscribe\u0001";

    private readonly AlertSnapshot _alert;
    private readonly AlertEmailSettings _settings;
    private readonly string _html;
    private readonly string _text;
    private readonly PreparedAlternative? _prepared;
    private readonly byte[] _from;
    private readonly byte[] _subject;
    private readonly byte[] _autoSubmitted;
    private readonly byte[] _listUnsubscribePost;
    private readonly string _alertId;
    private readonly string _alertRevision;

    private AlertEmail(AlertSnapshot alert, AlertEmailSettings settings, string subject, string html, string text)
    {
        _alert = alert;
        _settings = settings;
        Subject = subject;
        _html = html;
        _text = text;
        // A link as long as a real one (a manage token is about 60 characters) for choosing the encoding.
        var sampleLink = $"https://{settings.MessageIdDomain}/subscriptions/manage?token={new string('x', 80)}";
        if (PreparedBody.Create("plain", text, [ManageMark, UnsubscribeMark], sampleLink) is { } preparedText
            && PreparedBody.Create("html", html, [ManageMark, UnsubscribeMark], sampleLink) is { } preparedHtml)
        {
            _prepared = PreparedAlternative.Create(preparedText, preparedHtml);
        }

        // The headers that are the same for everyone, formatted (encoded, folded) by MimeKit once.
        using var template = EmailText.NewMessage(settings, "template@example.com", subject, DateTimeOffset.UnixEpoch, "template@example.com");
        template.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        byte[] Raw(HeaderId id) => template.Headers.First(h => h.Id == id).RawValue;
        _from = Raw(HeaderId.From);
        _subject = Raw(HeaderId.Subject);
        _autoSubmitted = Raw(HeaderId.AutoSubmitted);
        _listUnsubscribePost = Raw(HeaderId.ListUnsubscribePost);
        _alertId = alert.Id.ToString();
        _alertRevision = alert.Revision.ToString(CultureInfo.InvariantCulture);
    }

    public string Subject { get; }

    public static AlertEmail Render(AlertSnapshot alert, AlertEmailPurpose purpose, AlertEmailSettings settings, SiteCatalog sites)
    {
        var content = alert.Content;
        var headline = OneLine(content.Headline);
        var subject = purpose switch
        {
            AlertEmailPurpose.Update => $"Update: {headline}",
            AlertEmailPurpose.Withdrawal => $"Withdrawn: {headline}",
            _ => headline,
        };
        var where = content.Sites.Count == 0 ? "All our sites" : string.Join(", ", content.Sites.Select(sites.NameOf));
        var when = content.ExpiresAt is { } end
            ? $"From {EmailText.London(content.EffectiveFrom)} until {EmailText.London(end)}"
            : $"From {EmailText.London(content.EffectiveFrom)} until further notice";
        var link = content.Link is { } l && Uri.TryCreate(l.Url, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps ? (Text: OneLine(l.Text), Url: url.AbsoluteUri) : default;
        var withdrawal = purpose == AlertEmailPurpose.Withdrawal;

        var html = EmailLayout.Html(
            title: subject,
            label: withdrawal ? "Withdrawn" : content.Severity.ToString(),
            urgent: !withdrawal && content.Severity == AlertSeverity.Urgent,
            headline: headline,
            bodyHtml: withdrawal
                ? "<p>This alert has been withdrawn and no longer applies.</p>"
                : AlertMarkdown.ToHtml(content.Body),
            facts: withdrawal ? [("Sites", where)] : [("Sites", where), ("When", when)],
            link: link.Url is null ? null : (link.Text.Length > 0 ? link.Text : link.Url, link.Url),
            footer: EmailLayout.AlertFooter(ManageMark, UnsubscribeMark));

        var text = new StringBuilder()
            .AppendLine(withdrawal ? "WITHDRAWN" : content.Severity.ToString().ToUpperInvariant())
            .AppendLine(headline)
            .AppendLine()
            .AppendLine(withdrawal ? "This alert has been withdrawn and no longer applies." : AlertMarkdown.ToText(content.Body))
            .AppendLine()
            .AppendLine($"Sites: {where}");
        if (!withdrawal)
        {
            text.AppendLine($"When: {when}");
        }

        if (link.Url is not null)
        {
            text.AppendLine().AppendLine($"{(link.Text.Length > 0 ? link.Text : "More information")}: {link.Url}");
        }

        text.AppendLine()
            .AppendLine("--")
            .AppendLine("You get this because you subscribed to hospital alerts.")
            .AppendLine($"Manage your alerts: {ManageMark}")
            .AppendLine($"Unsubscribe: {UnsubscribeMark}");

        return new AlertEmail(alert, settings, subject, EmailText.ShortLines(html), EmailText.ShortLines(text.ToString()));
    }

    /// <summary>The message for one person: only the links differ.</summary>
    public MimeMessage For(string recipientAddress, Uri manageUrl, Uri unsubscribeUrl, DateTimeOffset date) =>
        For(recipientAddress, manageUrl.AbsoluteUri, unsubscribeUrl.AbsoluteUri, date);

    /// <summary>The message for one person, with their links as absolute URLs already escaped.</summary>
    public MimeMessage For(string recipientAddress, string manage, string unsubscribe, DateTimeOffset date)
    {
        // MimeMessage's headers constructor: the parameterless one clones the parser options and
        // makes a Date and a Message-ID only to have them replaced, and From and Subject would be
        // formatted again for every message.
        IEnumerable<Header> from = [Fixed(HeaderId.From, _from)];
        var message = new MimeMessage(from);
        message.Date = date;
        message.Headers.Add(Fixed(HeaderId.Subject, _subject));
        message.MessageId = $"{_alert.Id:N}.{_alert.Revision}.{EmailText.RandomHex()}@{_settings.MessageIdDomain}";
        message.To.Add(new MailboxAddress("", recipientAddress));
        message.Headers.Add(Fixed(HeaderId.AutoSubmitted, _autoSubmitted));
        message.Headers.Add("X-Alert-Id", _alertId);
        message.Headers.Add("X-Alert-Revision", _alertRevision);
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
        message.Headers.Add(Fixed(HeaderId.ListUnsubscribePost, _listUnsubscribePost));
        var htmlManage = WebUtility.HtmlEncode(manage);
        var htmlUnsubscribe = WebUtility.HtmlEncode(unsubscribe);
        string Text(string template) => template.Replace(ManageMark, manage, StringComparison.Ordinal).Replace(UnsubscribeMark, unsubscribe, StringComparison.Ordinal);
        string Html(string template) => template.Replace(ManageMark, htmlManage, StringComparison.Ordinal).Replace(UnsubscribeMark, htmlUnsubscribe, StringComparison.Ordinal);
        message.Body = _prepared?.For(Text, Html) ?? EmailText.Alternative(Text(_text), Html(_html));
        return message;
    }

    /// <summary>
    /// A message as the recipient's server gets it: written as MailKit sends it (CRLF, 7bit-safe)
    /// and read back, so its parts can be looked at (the prepared body is bytes until then).
    /// </summary>
    public static MimeMessage AsReceived(MimeMessage message)
    {
        message.Prepare(EncodingConstraint.SevenBit, 998);
        var written = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, written);
        written.Position = 0;
        return MimeMessage.Load(written);
    }

    /// <summary>A header with a value MimeKit formatted once for the whole send.</summary>
    private static Header Fixed(HeaderId id, byte[] raw)
    {
        var header = new Header(id, "");
        header.SetRawValue(raw);
        return header;
    }

    /// <summary>Control characters (CR, LF, tabs…) become spaces: a headline stays one header line.</summary>
    public static string OneLine(string value) =>
        string.Join(' ', new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Split(' ', StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>The double opt-in email.</summary>
public static class SubscriptionEmail
{
    public static MimeMessage Confirmation(string recipientAddress, Uri confirmUrl, AlertEmailSettings settings, DateTimeOffset date)
    {
        const string subject = "Confirm your hospital alerts subscription";
        var url = confirmUrl.AbsoluteUri;
        var message = EmailText.NewMessage(settings, recipientAddress, subject, date, $"confirm.{EmailText.RandomHex()}@{settings.MessageIdDomain}");
        var html = EmailLayout.Html(
            title: subject,
            label: "Confirm",
            urgent: false,
            headline: "Confirm your subscription",
            bodyHtml: "<p>Someone, hopefully you, asked to get hospital alerts at this address. Select the link to confirm. It works for 48 hours.</p>",
            facts: [],
            link: ("Confirm my subscription", url),
            footer: "<p>If you did not ask for this, ignore this email: you will not get any alerts.</p>");
        var text = $"""
            Confirm your subscription

            Someone, hopefully you, asked to get hospital alerts at this address.
            Open this link to confirm (it works for 48 hours):
            {url}

            If you did not ask for this, ignore this email: you will not get any alerts.
            """;
        message.Body = EmailText.Alternative(text, html);
        return message;
    }
}

/// <summary>Text helpers shared by the alert and confirmation emails.</summary>
internal static class EmailText
{
    private static readonly TimeZoneInfo UkTime = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>"Wednesday 25 November 2026, 9:00am" in UK time.</summary>
    public static string London(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, UkTime);
        var hour = local.Hour % 12 == 0 ? 12 : local.Hour % 12;
        return string.Create(CultureInfo.InvariantCulture, $"{local:dddd d MMMM yyyy}, {hour}:{local:mm}{(local.Hour < 12 ? "am" : "pm")}");
    }

    /// <summary>
    /// Breaks lines longer than SMTP allows (998) at a space. With short lines and plain text a
    /// part needs no transfer encoding (7bit, or 8bit where the server offers 8BITMIME), so
    /// MailKit writes the bytes as they are instead of re-encoding every message.
    /// </summary>
    public static string ShortLines(string value, int max = 900)
    {
        if (value.Split('\n').All(line => line.Length <= max))
        {
            return value;
        }

        var result = new StringBuilder(value.Length + 64);
        foreach (var line in value.Split('\n'))
        {
            var rest = line;
            while (rest.Length > max && rest.LastIndexOf(' ', max) is > 0 and var cut)
            {
                result.Append(rest, 0, cut).Append('\n');
                rest = rest[(cut + 1)..];
            }

            result.Append(rest).Append('\n');
        }

        return result.ToString(0, result.Length - 1);
    }

    public static string RandomHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static MimeMessage NewMessage(AlertEmailSettings settings, string recipient, string subject, DateTimeOffset date, string messageId)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.Add(new MailboxAddress("", recipient));
        message.Subject = subject;
        message.Date = date;
        message.MessageId = messageId;
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    public static MultipartAlternative Alternative(string text, string html) =>
    [
        new TextPart("plain") { Text = text },
        new TextPart("html") { Text = html },
    ];
}
