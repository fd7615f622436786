using System.Xml;
using AlertBroadcaster.Channels.Banner;

namespace AlertBroadcaster.Channels.Feeds;

/// <summary>
/// <c>GET /feeds/alerts.atom</c> (RFC 4287): one entry per alert the banner shows on the site now.
/// An entry keeps its id (<c>urn:uuid:</c> the alert's id) across revisions; <c>updated</c> and
/// the revision in the text tell readers it changed. Text is only ever written as text.
/// </summary>
public static class AtomFeed
{
    public static FeedDocument Write(IEnumerable<BannerState> live, FeedRequest request)
    {
        var alerts = FeedXml.Shown(live, request);
        var body = FeedXml.Write(xml =>
        {
            // The newest change among the entries, so the document is the same until one changes.
            xml.WriteFeedStart(request, request.FullTitle, alerts.Count == 0 ? request.Now : alerts.Max(a => a.ChangedAt));

            foreach (var alert in alerts)
            {
                WriteEntry(xml, alert, request);
            }

            xml.WriteEndElement();
        });

        return new FeedDocument(body, alerts.Min(a => a.Content!.ExpiresAt));
    }

    private static void WriteEntry(XmlWriter xml, BannerState alert, FeedRequest request)
    {
        var content = alert.Content!;
        xml.WriteStartElement("entry");
        xml.WriteElementString("id", $"urn:uuid:{alert.Id}");
        xml.Text("title", content.Headline);
        xml.WriteElementString("updated", FeedXml.Time(alert.ChangedAt));
        xml.WriteElementString("published", FeedXml.Time(content.EffectiveFrom));
        if (content.Link is { } link)
        {
            xml.WriteLink("alternate", link.Url, null, link.Text);
        }

        WriteCategory(xml, content.Kind.ToString(), FeedXml.Describe(content.Kind));
        WriteCategory(xml, content.Severity.ToString(), content.Severity.ToString());
        xml.WriteStartElement("summary");
        xml.WriteAttributeString("type", "text");
        xml.WriteString(FeedXml.Clean($"{FeedXml.AreaOf(content, request.Sites)}. "
            + (content.ExpiresAt is { } expires ? $"Until {FeedXml.Time(expires)}." : "Until further notice.")
            + $" Revision {alert.Revision}."));
        xml.WriteEndElement();
        // The body as plain text (it is limited Markdown): never markup a reader would render.
        xml.WriteStartElement("content");
        xml.WriteAttributeString("type", "text");
        xml.WriteString(FeedXml.Clean(content.Body));
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteCategory(XmlWriter xml, string term, string label)
    {
        xml.WriteStartElement("category");
        xml.WriteAttributeString("term", term);
        xml.WriteAttributeString("label", label);
        xml.WriteEndElement();
    }
}
