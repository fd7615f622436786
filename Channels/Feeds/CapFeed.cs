using System.Xml;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Feeds;

/// <summary>
/// <c>GET /feeds/alerts.cap.xml</c>: the alerts as OASIS CAP 1.2 messages. A CAP document holds one
/// <c>&lt;alert&gt;</c>, so several travel the way the OASIS note "Example Practices: CAP Feeds 1.0"
/// describes and public aggregators (Google Public Alerts) read: an Atom feed with one entry per
/// alert, here with the whole CAP message inline in <c>&lt;content type="application/cap+xml"&gt;</c>
/// (there is no per-message URL to link to, and inline saves a reader a request per alert).
/// Carries the alerts the banner shows on the site now (Alert, or Update from revision 2) and
/// those withdrawn in the last 24 hours (Cancel); an expired alert just leaves, as its
/// <c>expires</c> said it would.
/// </summary>
public static class CapFeed
{
    public const string Namespace = "urn:oasis:names:tc:emergency:cap:1.2";

    /// <summary>How long a withdrawn alert's Cancel stays in the feed.</summary>
    public static readonly TimeSpan CancelsKept = TimeSpan.FromHours(24);

    public static FeedDocument Write(IEnumerable<BannerState> live, IEnumerable<BannerState> ended, FeedRequest request, string sender)
    {
        var alerts = FeedXml.Shown(live, request);
        var cancels = ended
            .Where(s => s is { Withdrawn: true, Content: not null, EndedAt: not null }
                && request.Now - s.EndedAt!.Value < CancelsKept
                && s.Content.Channels.Contains(AlertChannel.Banner)
                && (request.Site is null || s.Content.Sites.Count == 0 || s.Content.Sites.Contains(request.Site)))
            .OrderByDescending(s => s.EndedAt)
            .ThenBy(s => s.Id)
            .ToList();

        var body = FeedXml.Write(xml =>
        {
            var changes = alerts.Select(a => a.ChangedAt).Concat(cancels.Select(c => c.EndedAt!.Value)).ToList();
            xml.WriteFeedStart(request, request.FullTitle + " (CAP 1.2)", changes.Count == 0 ? request.Now : changes.Max());

            foreach (var alert in alerts)
            {
                WriteEntry(xml, alert, cancelled: false, request, sender);
            }

            foreach (var cancel in cancels)
            {
                WriteEntry(xml, cancel, cancelled: true, request, sender);
            }

            xml.WriteEndElement();
        });

        var nextExpiry = alerts.Min(a => a.Content!.ExpiresAt);
        var nextCancelLeaves = cancels.Min(c => c.EndedAt + CancelsKept);
        return new FeedDocument(body, new[] { nextExpiry, nextCancelLeaves }.Min());
    }

    /// <summary>The CAP identifier of an alert's revision: unique per message, the same on every replica.</summary>
    public static string Identifier(Guid alertId, int revision) => $"{alertId}:{revision}";

    private static void WriteEntry(XmlWriter xml, BannerState alert, bool cancelled, FeedRequest request, string sender)
    {
        var content = alert.Content!;
        var sent = cancelled ? alert.EndedAt!.Value : alert.ChangedAt;
        xml.WriteStartElement("entry");
        // One Atom entry per alert: its Update or Cancel replaces the earlier message in readers.
        xml.WriteElementString("id", $"urn:uuid:{alert.Id}");
        xml.Text("title", cancelled ? $"Cancelled: {content.Headline}" : content.Headline);
        xml.WriteElementString("updated", FeedXml.Time(sent));
        xml.WriteStartElement("summary");
        xml.WriteAttributeString("type", "text");
        xml.WriteString(FeedXml.Clean(content.Body));
        xml.WriteEndElement();
        xml.WriteStartElement("content");
        xml.WriteAttributeString("type", "application/cap+xml");
        WriteAlert(xml, alert, cancelled, sent, request, sender);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteAlert(XmlWriter xml, BannerState alert, bool cancelled, DateTimeOffset sent, FeedRequest request, string sender)
    {
        var content = alert.Content!;
        xml.WriteStartElement("alert", Namespace);
        xml.WriteElementString("identifier", cancelled ? Identifier(alert.Id, alert.Revision) + ":cancel" : Identifier(alert.Id, alert.Revision));
        xml.WriteElementString("sender", sender);
        xml.WriteElementString("sent", FeedXml.Time(sent));
        xml.WriteElementString("status", "Actual");
        xml.WriteElementString("msgType", cancelled ? "Cancel" : alert.Revision == 1 ? "Alert" : "Update");
        xml.WriteElementString("scope", "Public");
        if (cancelled)
        {
            xml.WriteElementString("note", "Withdrawn by the trust.");
            // The message cancelled is the one this feed carried for that revision, sent when its
            // content was published (the store keeps that time when the alert ends).
            xml.WriteElementString("references", $"{sender},{Identifier(alert.Id, alert.Revision)},{FeedXml.Time(alert.ChangedAt)}");
        }

        // An Update names no references: the store keeps only the newest revision, so the earlier
        // message's sent time (which a reference must give) is not known, and a guessed one would be
        // wrong. Every message about one alert names it in <incidents> instead, so receivers can
        // still relate the revisions.
        xml.WriteElementString("incidents", alert.Id.ToString());
        WriteInfo(xml, content, cancelled, request);
        xml.WriteEndElement();
    }

    private static void WriteInfo(XmlWriter xml, AlertContent content, bool cancelled, FeedRequest request)
    {
        xml.WriteStartElement("info");
        xml.WriteElementString("language", "en-GB");
        xml.WriteElementString("category", content.Kind == AlertKind.General ? "Other" : "Health");
        xml.WriteElementString("event", FeedXml.Describe(content.Kind));
        // "Past": once withdrawn, no one need act on it any more.
        xml.WriteElementString("urgency", cancelled ? "Past" : Urgency(content.Severity));
        xml.WriteElementString("severity", Severity(content.Severity));
        xml.WriteElementString("certainty", "Observed");
        xml.WriteElementString("effective", FeedXml.Time(content.EffectiveFrom));
        if (content.ExpiresAt is { } expires)
        {
            xml.WriteElementString("expires", FeedXml.Time(expires));
        }

        xml.Text("senderName", request.Title);
        xml.Text("headline", content.Headline);
        xml.Text("description", content.Body);
        if (content.Link is { } link)
        {
            xml.Text("web", link.Url);
        }

        xml.WriteStartElement("area");
        xml.Text("areaDesc", FeedXml.AreaOf(content, request.Sites));
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>How soon to act: an urgent notice now, a warning soon, information when next visiting.</summary>
    private static string Urgency(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Urgent => "Immediate",
        AlertSeverity.Warning => "Expected",
        _ => "Future",
    };

    private static string Severity(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Urgent => "Severe",
        AlertSeverity.Warning => "Moderate",
        _ => "Minor",
    };
}
