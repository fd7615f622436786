using System.Text.Json;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace AlertBroadcaster.Channels.Tests.Banner;

public sealed class BannerResponsesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly BannerProjection _projection = new();
    private readonly BannerResponses _responses;

    public BannerResponsesTests() => _responses = new BannerResponses(_projection, _time);

    private BannerState Live(string headline, TimeSpan? endsIn = null, string[]? paths = null, TimeSpan? startsIn = null) =>
        new(Guid.NewGuid(), 1, new AlertContent
        {
            Headline = headline,
            EffectiveFrom = _time.GetUtcNow() + (startsIn ?? TimeSpan.FromMinutes(-1)),
            ExpiresAt = endsIn is { } ends ? _time.GetUtcNow() + ends : null,
            Paths = paths ?? [],
        }, _time.GetUtcNow());

    private static List<string> Headlines(CurrentBanner banner) =>
        JsonDocument.Parse(banner.Body).RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("headline").GetString()!).ToList();

    [Fact]
    public void The_same_answer_is_reused_until_the_projection_changes()
    {
        _projection.Apply(Live("Face coverings"));
        var first = _responses.For("horton", "/");
        Assert.Same(first, _responses.For("horton", "/"));

        _projection.Apply(Live("Visiting restrictions"));
        var second = _responses.For("horton", "/");
        Assert.NotSame(first, second);
        Assert.Equal(2, Headlines(second).Count);
    }

    [Fact]
    public void An_answer_is_never_reused_after_an_alert_in_it_expires()
    {
        _projection.Apply(Live("Ends soon", endsIn: TimeSpan.FromSeconds(5)));
        Assert.Equal(["Ends soon"], Headlines(_responses.For(null, null)));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(Headlines(_responses.For(null, null)));
    }

    [Fact]
    public void An_alert_appears_when_its_start_passes_without_any_event()
    {
        _projection.Apply(Live("Starts soon", startsIn: TimeSpan.FromSeconds(3)));
        Assert.Empty(Headlines(_responses.For(null, null)));

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(["Starts soon"], Headlines(_responses.For(null, null)));
    }

    [Fact]
    public void Max_age_shrinks_as_the_expiry_approaches()
    {
        _projection.Apply(Live("Ends in 25 s", endsIn: TimeSpan.FromSeconds(25)));
        var ages = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            ages.Add(_responses.For(null, null).MaxAgeSeconds(_time.GetUtcNow(), 10));
            _time.Advance(TimeSpan.FromSeconds(7));
        }

        Assert.Equal([10, 10, 10, 4], ages);
    }

    [Fact]
    public void Pages_share_an_answer_when_the_same_alerts_apply_to_them()
    {
        _projection.Apply(Live("Recruitment closed", paths: ["/100000-genomes-project"]));
        _projection.Apply(Live("Everywhere"));

        var projectPage = _responses.For(null, "/100000-genomes-project/taking-part");
        Assert.Equal(["Everywhere", "Recruitment closed"], Headlines(projectPage).Order());
        Assert.Same(projectPage, _responses.For(null, "/100000-genomes-project"));

        var otherPage = _responses.For(null, "/visiting");
        Assert.Equal(["Everywhere"], Headlines(otherPage));
        Assert.Same(otherPage, _responses.For(null, "/maternity"));
    }
}
