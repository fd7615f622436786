using AlertBroadcaster.Channels.Feeds;
using AlertBroadcaster.Contracts;
using static AlertBroadcaster.Channels.Tests.Feeds.FeedTestData;

namespace AlertBroadcaster.Channels.Tests.Feeds;

public sealed class AtomFeedTests
{
    [Fact]
    public void Feed_parses_and_names_itself()
    {
        var alert = Live(Content());
        var feed = Parse(AtomFeed.Write([alert], Request())).Root!;

        Assert.Equal(Atom + "feed", feed.Name);
        Assert.Equal("https://alerts.example.nhs.uk/feeds/test", feed.Element(Atom + "id")!.Value);
        Assert.Equal("OUH alerts", feed.Element(Atom + "title")!.Value);
        Assert.Equal("2026-11-25T08:00:00+00:00", feed.Element(Atom + "updated")!.Value);
        Assert.Contains(feed.Elements(Atom + "link"), l => (string?)l.Attribute("rel") == "self");
        Assert.NotNull(feed.Element(Atom + "author")?.Element(Atom + "name"));
    }

    [Fact]
    public void Entry_carries_the_alert_as_text()
    {
        var alert = Live(Content(severity: AlertSeverity.Urgent), revision: 2);
        var entry = Assert.Single(Parse(AtomFeed.Write([alert], Request())).Root!.Elements(Atom + "entry"));

        Assert.Equal($"urn:uuid:{alert.Id}", entry.Element(Atom + "id")!.Value);
        Assert.Equal("Visiting restrictions on ward 7", entry.Element(Atom + "title")!.Value);
        Assert.Equal("2026-11-25T08:00:00+00:00", entry.Element(Atom + "updated")!.Value);
        Assert.Equal("text", (string?)entry.Element(Atom + "content")!.Attribute("type"));
        Assert.Equal("Two visitors per bed.", entry.Element(Atom + "content")!.Value);
        Assert.Equal("https://www.ouh.nhs.uk/visiting", (string?)entry.Element(Atom + "link")!.Attribute("href"));
        Assert.Equal(["VisitingRestrictions", "Urgent"], entry.Elements(Atom + "category").Select(c => (string)c.Attribute("term")!));
        Assert.Contains("Revision 2", entry.Element(Atom + "summary")!.Value);
    }

    [Fact]
    public void Only_alerts_shown_on_the_site_now_are_entries()
    {
        var horton = Live(Content("Horton only", sites: ["horton"]));
        var everywhere = Live(Content("Everywhere"));
        var expired = Live(Content("Expired", until: Now));
        var later = Live(Content("Later", from: Now.AddMinutes(1)));
        var emailOnly = Live(Content("Email only", channels: [AlertChannel.Email]));

        var titles = Parse(AtomFeed.Write([horton, everywhere, expired, later, emailOnly], Request("churchill"))).Root!
            .Elements(Atom + "entry").Select(e => e.Element(Atom + "title")!.Value);

        Assert.Equal(["Everywhere"], titles);
    }

    [Fact]
    public void Site_feed_is_titled_with_the_site_name() =>
        Assert.Equal("OUH alerts: Horton General Hospital", Parse(AtomFeed.Write([], Request("horton"))).Root!.Element(Atom + "title")!.Value);

    [Fact]
    public void Hostile_headline_is_escaped_and_stripped_of_characters_XML_cannot_hold()
    {
        var hostile = Live(Content("<script>alert('x')</script>\u0001\u001b & \ud800 ]]> \U0001F3E5 done"));
        var feed = AtomFeed.Write([hostile], Request());

        var title = Parse(feed).Root!.Element(Atom + "entry")!.Element(Atom + "title")!;
        Assert.Equal("<script>alert('x')</script> &  ]]> \U0001F3E5 done", title.Value);
        Assert.Empty(title.Elements());
        Assert.DoesNotContain("<script>", System.Text.Encoding.UTF8.GetString(feed.Body));
    }

    [Fact]
    public void Next_change_is_the_next_expiry() =>
        Assert.Equal(Now.AddMinutes(5), AtomFeed.Write([Live(Content(until: Now.AddMinutes(5))), Live(Content())], Request()).NextChange);
}
