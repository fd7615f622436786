using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Tests.Banner;

public sealed class BannerStateTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly AlertContent Text = new() { Headline = "Face coverings", EffectiveFrom = DateTimeOffset.UnixEpoch };

    private static BannerState Live(int revision) => new(Id, revision, Text);
    private static BannerState Ended(int revision) => new(Id, revision, null);

    [Fact]
    public void Anything_supersedes_nothing() => Assert.True(BannerState.Supersedes(Live(1), null));

    [Fact]
    public void Newer_revision_wins() => Assert.True(BannerState.Supersedes(Live(2), Live(1)));

    [Fact]
    public void Older_revision_never_brings_back_old_text() => Assert.False(BannerState.Supersedes(Live(1), Live(2)));

    [Fact]
    public void End_wins_over_start_at_the_same_revision() => Assert.True(BannerState.Supersedes(Ended(1), Live(1)));

    [Fact]
    public void Late_start_never_resurrects_an_ended_alert() => Assert.False(BannerState.Supersedes(Live(1), Ended(1)));

    [Fact]
    public void Duplicate_is_ignored() => Assert.False(BannerState.Supersedes(Live(1), Live(1)));

    [Fact]
    public void Projection_holds_only_live_alerts()
    {
        var projection = new BannerProjection();
        Assert.True(projection.Apply(Live(1)));
        Assert.Single(projection.Live);
        Assert.True(projection.Apply(Ended(1)));
        Assert.False(projection.Apply(Live(1)));
        Assert.Empty(projection.Live);
    }
}
