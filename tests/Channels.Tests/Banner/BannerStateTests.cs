using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Tests.Banner;

public sealed class BannerStateTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly AlertContent Text = new() { Headline = "Face coverings", EffectiveFrom = DateTimeOffset.UnixEpoch };

    private static readonly DateTimeOffset At = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static BannerState Live(int revision) => new(Id, revision, Text, At);
    private static BannerState Ended(int revision) => new(Id, revision, Text, At, EndedAt: At.AddHours(1), Withdrawn: true);

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
    public void End_wins_over_start_at_the_same_revision_when_stored_before_ends_kept_their_text() =>
        Assert.True(BannerState.Supersedes(new BannerState(Id, 1, null, At), Live(1)));

    [Fact]
    public void Row_stored_before_ends_kept_their_text_reads_as_ended() =>
        Assert.False(new BannerAlert { Id = Id, Revision = 1, Content = null, UpdatedAt = At }.ToState().IsLive);

    [Fact]
    public void Ended_alert_keeps_its_text_but_is_not_live()
    {
        Assert.False(Ended(1).IsLive);
        Assert.NotNull(Ended(1).Content);
    }

    [Fact]
    public void Projection_lists_recent_ends_apart_from_live_alerts()
    {
        var projection = new BannerProjection();
        var other = new BannerState(Guid.NewGuid(), 1, Text, At);
        projection.Apply(Live(1));
        projection.Apply(other);
        var liveBefore = projection.Live;

        projection.Apply(Ended(1));

        Assert.False(liveBefore.Equals(projection.Live), "Live is replaced by a new array");
        Assert.Equal(other, Assert.Single(projection.Live));
        Assert.Equal(Ended(1), Assert.Single(projection.Ended(At)));
        Assert.Empty(projection.Ended(At.AddHours(2)));
    }

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
