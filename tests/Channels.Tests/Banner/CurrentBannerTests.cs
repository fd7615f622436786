using System.Text.Json;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Tests.Banner;

public sealed class CurrentBannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static BannerState Alert(string headline, AlertSeverity severity = AlertSeverity.Info, DateTimeOffset? from = null,
        DateTimeOffset? until = null, string[]? sites = null, string[]? paths = null, AlertChannel[]? channels = null) =>
        new(Guid.NewGuid(), 1, new AlertContent
        {
            Headline = headline,
            Severity = severity,
            EffectiveFrom = from ?? Now.AddHours(-1),
            ExpiresAt = until,
            Sites = sites ?? [],
            Paths = paths ?? [],
            Channels = channels ?? [AlertChannel.Banner],
        }, Now.AddHours(-1));

    private static List<string> Headlines(CurrentBanner banner) =>
        JsonDocument.Parse(banner.Body).RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("headline").GetString()!).ToList();

    [Fact]
    public void Expired_alert_is_never_served_even_before_its_expiry_event()
    {
        var alert = Alert("Face coverings", until: Now.AddSeconds(1));
        Assert.Single(Headlines(CurrentBanner.Select([alert], null, null, Now)));
        Assert.Empty(Headlines(CurrentBanner.Select([alert], null, null, Now.AddSeconds(1))));
    }

    [Fact]
    public void Alert_is_not_served_before_its_start() =>
        Assert.Empty(Headlines(CurrentBanner.Select([Alert("Tomorrow", from: Now.AddMinutes(1))], null, null, Now)));

    [Fact]
    public void Alert_for_some_sites_shows_only_there()
    {
        var horton = Alert("Horton only", sites: ["horton"]);
        var everywhere = Alert("Everywhere");
        Assert.Equal(["Everywhere"], Headlines(CurrentBanner.Select([horton, everywhere], "churchill", null, Now)));
        Assert.Equal(2, Headlines(CurrentBanner.Select([horton, everywhere], "horton", null, Now)).Count);
    }

    [Theory]
    [InlineData("/100000-genomes-project", true)]
    [InlineData("/100000-genomes-project/", true)]
    [InlineData("/100000-genomes-project/faq", true)]
    [InlineData("/100000-genomes-project-archive", false)]
    [InlineData("/", false)]
    [InlineData(null, false)]
    public void Page_paths_match_on_whole_segments(string? path, bool shown) =>
        Assert.Equal(shown, CurrentBanner.AppliesToPath(["/100000-genomes-project"], path));

    [Fact]
    public void Most_severe_then_newest_comes_first()
    {
        var oldInfo = Alert("old info", from: Now.AddHours(-3));
        var newInfo = Alert("new info", from: Now.AddHours(-1));
        var urgent = Alert("urgent", AlertSeverity.Urgent, from: Now.AddHours(-5));
        Assert.Equal(["urgent", "new info", "old info"], Headlines(CurrentBanner.Select([oldInfo, urgent, newInfo], null, null, Now)));
    }

    [Fact]
    public void Alerts_not_for_the_banner_channel_are_left_out() =>
        Assert.Empty(Headlines(CurrentBanner.Select([Alert("Email only", channels: [AlertChannel.Email])], null, null, Now)));

    [Fact]
    public void ETag_is_stable_for_the_same_set_and_changes_with_it()
    {
        var a = Alert("A");
        var b = Alert("B");
        var first = CurrentBanner.Select([a], null, null, Now);
        Assert.Equal(first.ETag, CurrentBanner.Select([a], null, null, Now.AddSeconds(5)).ETag);
        Assert.NotEqual(first.ETag, CurrentBanner.Select([a, b], null, null, Now).ETag);
        Assert.NotEqual(first.ETag, CurrentBanner.Select([a with { Revision = 2 }], null, null, Now).ETag);
        Assert.StartsWith("\"", first.ETag);
    }

    [Fact]
    public void Cache_lifetime_never_reaches_past_the_next_expiry()
    {
        Assert.Equal(10, CurrentBanner.Select([Alert("No end")], null, null, Now).MaxAgeSeconds(Now, 10));
        Assert.Equal(3, CurrentBanner.Select([Alert("Ends soon", until: Now.AddSeconds(3.5))], null, null, Now).MaxAgeSeconds(Now, 10));
        Assert.Equal(0, CurrentBanner.Select([Alert("Ends now", until: Now.AddMilliseconds(400))], null, null, Now).MaxAgeSeconds(Now, 10));
    }

    [Fact]
    public void Body_has_the_contract_fields()
    {
        var body = JsonDocument.Parse(CurrentBanner.Select([Alert("A", sites: ["horton"])], null, null, Now).Body).RootElement;
        Assert.True(body.TryGetProperty("generatedAt", out _));
        var alert = body.GetProperty("alerts")[0];
        foreach (var field in new[] { "id", "revision", "kind", "severity", "headline", "body", "link", "sites", "effectiveFrom", "expiresAt" })
        {
            Assert.True(alert.TryGetProperty(field, out _), $"field {field}");
        }

        Assert.Equal("Info", alert.GetProperty("severity").GetString());
    }
}
