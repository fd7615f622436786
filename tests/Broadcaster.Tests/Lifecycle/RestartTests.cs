using AlertBroadcaster.Contracts;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Broadcaster.Tests.Lifecycle;

/// <summary>Triggers live in the persistent job store: a stop loses none and fires none twice.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Go_live_that_fell_due_while_stopped_fires_once_on_start()
    {
        DateTimeOffset from;
        Guid id;
        await using (var first = await BroadcasterHost.StartAsync(_data.Path))
        {
            // Far enough ahead that the first host has certainly stopped by then, even on a loaded machine.
            from = DateTimeOffset.UtcNow.AddSeconds(8);
            id = (await first.PublishAsync(new AlertContent { Headline = "Horton closed to visitors", EffectiveFrom = from })).Id;
        }

        Assert.True(DateTimeOffset.UtcNow < from, "the first host stopped before the alert was due");

        await Poll.UntilPastAsync(from.AddSeconds(1));

        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = await BroadcasterHost.StartAsync(_data.Path);
        await Poll.UntilAsync(async () => (await second.GetAsync(id)).Status == AlertStatus.Live, what: "go-live after restart");
        await second.UntilPublishedAsync<AlertWentLive>(m => m.Alert.Id == id);
        var wentLive = Assert.Single(await second.OutboxAsync(id), m => m.MessageType.EndsWith(nameof(AlertWentLive)));
        Assert.True(wentLive.CreatedAt >= restartedAt, "it went live after the restart, not while the first host was still up");
    }

    [Fact]
    public async Task Alert_whose_start_and_end_both_passed_while_stopped_expires_without_going_live()
    {
        DateTimeOffset from;
        Guid id;
        await using (var first = await BroadcasterHost.StartAsync(_data.Path))
        {
            // Far enough ahead that the first host has certainly stopped by then, even on a loaded machine.
            from = DateTimeOffset.UtcNow.AddSeconds(8);
            id = (await first.PublishAsync(new AlertContent { Headline = "Short notice", EffectiveFrom = from, ExpiresAt = from.AddSeconds(1) })).Id;
        }

        Assert.True(DateTimeOffset.UtcNow < from, "the first host stopped before the alert was due");

        await Poll.UntilPastAsync(from.AddSeconds(2));

        await using var second = await BroadcasterHost.StartAsync(_data.Path);
        await Poll.UntilAsync(async () => (await second.GetAsync(id)).Status == AlertStatus.Expired, what: "expiry after restart");
        var events = (await second.OutboxAsync(id)).Select(m => m.MessageType.Split('.')[^1]).ToList();
        Assert.Equal([nameof(AlertExpired)], events);
    }
}
