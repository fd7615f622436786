using System.Globalization;
using System.Text;
using System.Xml;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Channels.Feeds;

/// <summary>What a feed document is asked for: a site (null: every site), the instant it describes, its own address.</summary>
public sealed record FeedRequest(string? Site, DateTimeOffset Now, Uri Self, string Title, SiteCatalog Sites)
{
    /// <summary>The feed's title, naming the site when it is for one.</summary>
    public string FullTitle => Site is null ? Title : $"{Title}: {Sites.NameOf(Site)}";
}

/// <summary>A written feed and the next instant it changes by time alone (an entry's expiry), for its cache lifetime.</summary>
public sealed record FeedDocument(byte[] Body, DateTimeOffset? NextChange);

/// <summary>What both feeds share: which alerts they carry, and how they write text and times.</summary>
internal static class FeedXml
{
    public const string AtomNamespace = "http://www.w3.org/2005/Atom";

    private static readonly TimeZoneInfo UkTime = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
    };

    /// <summary>
    /// The live alerts a feed carries: those the banner shows on the site now, most severe and newest
    /// first. Page paths are ignored: a feed is read for the whole site, not on one of its pages,
    /// so an alert aimed at one service's pages is news for the site's readers too.
    /// </summary>
    public static List<BannerState> Shown(IEnumerable<BannerState> live, FeedRequest request) =>
        [.. CurrentBanner.InBannerOrder(live.Where(s => s.IsLive && CurrentBanner.IsShown(s.Content!, request.Site, request.Now)))];

    public static byte[] Write(Action<XmlWriter> write)
    {
        using var body = new MemoryStream();
        using (var xml = XmlWriter.Create(body, Settings))
        {
            xml.WriteStartDocument();
            write(xml);
            xml.WriteEndDocument();
        }

        return body.ToArray();
    }

    /// <summary>
    /// <paramref name="text"/> without the characters XML 1.0 cannot hold (control characters, lone
    /// surrogates), which the writer would otherwise refuse; it escapes everything else itself.
    /// </summary>
    public static string Clean(string text)
    {
        if (!text.Any(c => !XmlConvert.IsXmlChar(c)))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
            {
                clean.Append(text[i]);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                clean.Append(text, i, 2);
                i++;
            }
        }

        return clean.ToString();
    }

    public static void Text(this XmlWriter xml, string element, string text) => xml.WriteElementString(element, Clean(text));

    /// <summary>Opens the Atom <c>feed</c> element and writes what both feeds head it with: id, title, updated, author and self link.</summary>
    public static void WriteFeedStart(this XmlWriter xml, FeedRequest request, string title, DateTimeOffset updated)
    {
        xml.WriteStartElement("feed", AtomNamespace);
        xml.WriteElementString("id", request.Self.AbsoluteUri);
        xml.Text("title", title);
        xml.WriteElementString("updated", Time(updated));
        xml.WriteStartElement("author");
        xml.Text("name", request.Title);
        xml.WriteEndElement();
        xml.WriteLink("self", request.Self.AbsoluteUri, "application/atom+xml");
    }

    public static void WriteLink(this XmlWriter xml, string rel, string href, string? type, string? title = null)
    {
        xml.WriteStartElement("link");
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("href", Clean(href));
        if (type is not null)
        {
            xml.WriteAttributeString("type", type);
        }

        if (title is not null)
        {
            xml.WriteAttributeString("title", Clean(title));
        }

        xml.WriteEndElement();
    }

    /// <summary>
    /// Whole seconds with the UK offset (+00:00 or +01:00), e.g. <c>2026-07-01T09:30:00+01:00</c>:
    /// what CAP 1.2 requires (no fraction, no "Z") and valid RFC 3339 for Atom, so both feeds agree.
    /// </summary>
    public static string Time(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, UkTime).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>The alert's kind in words, as CAP's <c>event</c> and Atom's category label.</summary>
    public static string Describe(AlertKind kind) => kind switch
    {
        AlertKind.VisitingRestrictions => "Visiting restrictions",
        AlertKind.FaceCoverings => "Face coverings",
        AlertKind.RecruitmentClosed => "Recruitment closed",
        _ => "Hospital notice",
    };

    public static string AreaOf(AlertContent content, SiteCatalog sites) =>
        content.Sites.Count == 0 ? "All sites" : string.Join(", ", content.Sites.Select(sites.NameOf));
}
