using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Channels.Feeds;
using AlertBroadcaster.Contracts;
using static AlertBroadcaster.Channels.Tests.Feeds.FeedTestData;

namespace AlertBroadcaster.Channels.Tests.Feeds;

public sealed class CapFeedTests
{
    private const string Sender = "alerts@ouh.example";
    private const string CapTime = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$";

    private static readonly XmlSchemaSet Schema = LoadSchema();

    private static XmlSchemaSet LoadSchema()
    {
        var schemas = new XmlSchemaSet();
        using var xsd = XmlReader.Create(Path.Combine(AppContext.BaseDirectory, "Feeds", "CAP-v1.2.xsd"));
        schemas.Add(CapFeed.Namespace, xsd);
        schemas.Compile();
        return schemas;
    }

    private static List<XElement> Alerts(IEnumerable<BannerState> live, IEnumerable<BannerState>? ended = null, string? site = null, DateTimeOffset? now = null)
    {
        var feed = Parse(CapFeed.Write(live, ended ?? [], Request(site, now), Sender)).Root!;
        Assert.Equal(Atom + "feed", feed.Name);
        return [.. feed.Elements(Atom + "entry").Select(e =>
        {
            var content = e.Element(Atom + "content")!;
            Assert.Equal("application/cap+xml", (string?)content.Attribute("type"));
            return Assert.Single(content.Elements(Cap + "alert"));
        })];
    }

    private static string Value(XElement parent, string name) => parent.Element(Cap + name)?.Value ?? throw new Xunit.Sdk.XunitException($"no <{name}>");

    [Fact]
    public void First_revision_is_an_Alert_with_every_required_element()
    {
        var state = Live(Content());
        var alert = Assert.Single(Alerts([state]));

        Assert.Equal($"{state.Id}:1", Value(alert, "identifier"));
        Assert.Equal(Sender, Value(alert, "sender"));
        Assert.Equal("2026-11-25T08:00:00+00:00", Value(alert, "sent"));
        Assert.Matches(CapTime, Value(alert, "sent"));
        Assert.Equal("Actual", Value(alert, "status"));
        Assert.Equal("Alert", Value(alert, "msgType"));
        Assert.Equal("Public", Value(alert, "scope"));
        Assert.Null(alert.Element(Cap + "references"));

        var info = alert.Element(Cap + "info")!;
        Assert.Equal("en-GB", Value(info, "language"));
        Assert.Equal("Health", Value(info, "category"));
        Assert.Equal("Visiting restrictions", Value(info, "event"));
        Assert.Equal("Expected", Value(info, "urgency"));
        Assert.Equal("Moderate", Value(info, "severity"));
        Assert.Equal("Observed", Value(info, "certainty"));
        Assert.Equal("2026-11-25T07:00:00+00:00", Value(info, "effective"));
        Assert.Null(info.Element(Cap + "expires"));
        Assert.Equal("Visiting restrictions on ward 7", Value(info, "headline"));
        Assert.Equal("Two visitors per bed.", Value(info, "description"));
        Assert.Equal("https://www.ouh.nhs.uk/visiting", Value(info, "web"));
        Assert.Equal("All sites", Value(info.Element(Cap + "area")!, "areaDesc"));
    }

    [Fact]
    public void Later_revision_is_an_Update_and_summer_times_carry_the_UK_offset()
    {
        var summer = new DateTimeOffset(2026, 7, 1, 8, 30, 15, 250, TimeSpan.Zero);
        var state = new BannerState(Guid.NewGuid(), 3, Content(severity: AlertSeverity.Urgent, from: summer.AddHours(-1), until: summer.AddDays(1), sites: ["horton", "churchill"]), summer);
        var alert = Assert.Single(Alerts([state], now: summer));

        Assert.Equal($"{state.Id}:3", Value(alert, "identifier"));
        Assert.Equal("Update", Value(alert, "msgType"));
        Assert.Equal("2026-07-01T09:30:15+01:00", Value(alert, "sent"));
        var info = alert.Element(Cap + "info")!;
        Assert.Equal("Immediate", Value(info, "urgency"));
        Assert.Equal("Severe", Value(info, "severity"));
        Assert.Equal("2026-07-02T09:30:15+01:00", Value(info, "expires"));
        Assert.Equal("Horton General Hospital, Churchill Hospital", Value(info.Element(Cap + "area")!, "areaDesc"));
    }

    [Fact]
    public void Withdrawn_alert_is_a_Cancel_for_24_hours_referencing_the_message_it_cancels()
    {
        var withdrawn = Withdrawn(Content("Face coverings"), endedAt: Now.AddHours(-23));
        var cancel = Assert.Single(Alerts([], [withdrawn]));

        Assert.Equal("Cancel", Value(cancel, "msgType"));
        Assert.Equal($"{withdrawn.Id}:1:cancel", Value(cancel, "identifier"));
        Assert.Equal("2026-11-24T10:00:00+00:00", Value(cancel, "sent"));
        Assert.Equal($"{Sender},{withdrawn.Id}:1,2026-11-25T06:00:00+00:00", Value(cancel, "references"));
        Assert.Equal("Face coverings", Value(cancel.Element(Cap + "info")!, "headline"));
        Assert.Equal("Past", Value(cancel.Element(Cap + "info")!, "urgency"));

        Assert.Empty(Alerts([], [withdrawn], now: Now.AddHours(1)));
    }

    [Fact]
    public void Expired_alerts_are_left_out_and_never_cancelled()
    {
        var expired = Live(Content(until: Now.AddSeconds(-1)));
        var expiredEnd = Withdrawn(Content(), endedAt: Now.AddHours(-1)) with { Withdrawn = false };
        Assert.Empty(Alerts([expired], [expiredEnd]));
    }

    [Fact]
    public void Site_feed_carries_alerts_for_that_site_and_for_every_site()
    {
        var horton = Live(Content("Horton", sites: ["horton"]));
        var churchill = Live(Content("Churchill", sites: ["churchill"]));
        var everywhere = Live(Content("Everywhere"));
        var churchillCancel = Withdrawn(Content("Churchill cancelled", sites: ["churchill"]), Now.AddHours(-1));

        var headlines = Alerts([horton, churchill, everywhere], [churchillCancel], site: "horton")
            .Select(a => Value(a.Element(Cap + "info")!, "headline"));

        Assert.Equal(["Everywhere", "Horton"], headlines.Order());
    }

    [Fact]
    public void Every_message_is_valid_CAP_1_2()
    {
        var live = new[]
        {
            Live(Content()),
            Live(Content(until: Now.AddHours(1), sites: ["horton"]) with { Link = null, Kind = AlertKind.General }, revision: 2),
            Live(Content("<b>\u0007 bell & \"quotes\"</b>", AlertSeverity.Info)),
        };
        var ended = new[] { Withdrawn(Content(), Now.AddMinutes(-5), revision: 4) };
        var alerts = Alerts(live, ended);
        Assert.Equal(4, alerts.Count);

        foreach (var alert in alerts)
        {
            var errors = new List<string>();
            new XDocument(alert).Validate(Schema, (_, e) => errors.Add(e.Message));
            Assert.Empty(errors);
        }
    }

    [Fact]
    public void Hostile_text_cannot_break_the_document()
    {
        var hostile = Live(Content("</headline><script>x</script>\u0000\u001f\ufffe") with { Body = "<![CDATA[ ]]> &amp; \u0008" });
        var info = Assert.Single(Alerts([hostile])).Element(Cap + "info")!;

        Assert.Equal("</headline><script>x</script>", Value(info, "headline"));
        Assert.Equal("<![CDATA[ ]]> &amp; ", Value(info, "description"));
    }

    [Fact]
    public void Next_change_is_the_next_expiry_or_a_Cancel_leaving()
    {
        var withdrawn = Withdrawn(Content(), Now.AddHours(-23.5));
        Assert.Equal(Now.AddMinutes(30), CapFeed.Write([Live(Content(until: Now.AddHours(2)))], [withdrawn], Request(), Sender).NextChange);
    }
}
