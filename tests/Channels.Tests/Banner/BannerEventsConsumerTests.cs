using System.Text.Json;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AlertBroadcaster.Channels.Tests.Banner;

/// <summary>The consumer on the MassTransit test harness, with the real SQLite store.</summary>
public sealed class BannerEventsConsumerTests : IAsyncLifetime
{
    private readonly TempDataDirectory _data = new();
    private IHost _host = null!;
    private ITestHarness _harness = null!;

    private BannerProjection Projection => _host.Services.GetRequiredService<BannerProjection>();

    public async Task InitializeAsync() => (_host, _harness) = await ChannelsTestHost.StartAsync(_data.Path);

    public async Task DisposeAsync()
    {
        Assert.False(await _harness.Published.Any<Fault>(), "no consumer faulted");
        await _host.StopAsync();
        await ((IAsyncDisposable)_host).DisposeAsync();
        _data.Dispose();
    }

    private static AlertSnapshot Snapshot(Guid id, int revision, string headline) =>
        new(id, revision, new AlertContent { Headline = headline, EffectiveFrom = DateTimeOffset.UtcNow.AddMinutes(-1) });

    private async Task PublishAsync<T>(T message) where T : class
    {
        await _harness.Bus.Publish(message);
        // The banner's own consumer: the delivery consumer takes the same events, and the bus-wide
        // list would let a test go on while the banner's endpoint has not yet applied the event.
        // Messages are copied through the transport: compare what they say, not their references.
        // A failed attempt (a busy SQLite file on a loaded machine) is listed too, before its retry
        // has applied the event: wait for the attempt that succeeded.
        var banner = _harness.GetConsumerHarness<BannerEventsConsumer>();
        var sent = JsonSerializer.Serialize(message);
        await Poll.UntilAsync(
            () => Task.FromResult(banner.Consumed.Select<T>().Any(m => m.Exception is null && JsonSerializer.Serialize(m.Context.Message) == sent)),
            what: $"{typeof(T).Name} consumed by the banner");
    }

    [Fact]
    public async Task Went_live_shows_the_alert_and_withdrawn_removes_it()
    {
        var id = Guid.NewGuid();
        await PublishAsync(new AlertWentLive(Snapshot(id, 1, "Visiting restrictions"), DateTimeOffset.UtcNow));
        await Poll.UntilAsync(() => Task.FromResult(Projection.Live.Any(s => s.Id == id)), what: "alert in projection");

        await PublishAsync(new AlertWithdrawn(id, 1, false, DateTimeOffset.UtcNow));
        await Poll.UntilAsync(() => Task.FromResult(Projection.Live.All(s => s.Id != id)), what: "alert removed");
    }

    [Fact]
    public async Task Withdrawn_alert_keeps_its_text_and_the_times_the_events_give()
    {
        var id = Guid.NewGuid();
        var published = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        var withdrawn = published.AddHours(2);
        await PublishAsync(new AlertWentLive(Snapshot(id, 1, "Visiting restrictions"), published));
        await PublishAsync(new AlertWithdrawn(id, 1, false, withdrawn));

        await Poll.UntilAsync(() => Task.FromResult(Projection.Ended(withdrawn).Any(s => s.Id == id)), what: "alert listed as ended");

        var ended = Assert.Single(Projection.Ended(withdrawn));
        Assert.Equal("Visiting restrictions", ended.Content!.Headline);
        Assert.Equal((published, withdrawn, true), (ended.ChangedAt, ended.EndedAt, ended.Withdrawn));

        using var scope = _host.Services.CreateScope();
        var row = await scope.ServiceProvider.GetRequiredService<Storage.ChannelsDbContext>().BannerAlerts.FindAsync(id);
        // Every replica reads the same state back from the store (lists inside the content compare by reference).
        Assert.Equal(ended with { Content = null }, row!.ToState() with { Content = null });
        Assert.Equal("Visiting restrictions", row.Content!.Headline);
    }

    [Fact]
    public async Task Late_events_about_older_revisions_are_ignored()
    {
        var id = Guid.NewGuid();
        await PublishAsync(new AlertUpdated(Snapshot(id, 2, "Visiting suspended"), DateTimeOffset.UtcNow));
        await PublishAsync(new AlertWentLive(Snapshot(id, 1, "Visiting restrictions"), DateTimeOffset.UtcNow));

        Assert.Equal("Visiting suspended", Assert.Single(Projection.Live, s => s.Id == id).Content!.Headline);
    }

    [Fact]
    public async Task A_start_arriving_after_the_end_does_not_resurrect_the_alert()
    {
        var id = Guid.NewGuid();
        await PublishAsync(new AlertExpired(id, 1, DateTimeOffset.UtcNow));
        await PublishAsync(new AlertWentLive(Snapshot(id, 1, "Face coverings"), DateTimeOffset.UtcNow));

        Assert.DoesNotContain(Projection.Live, s => s.Id == id);
    }

    [Fact]
    public async Task Projection_is_rebuilt_from_the_store_after_a_restart()
    {
        var id = Guid.NewGuid();
        await PublishAsync(new AlertWentLive(Snapshot(id, 1, "Genomes project closed"), DateTimeOffset.UtcNow));
        await Poll.UntilAsync(() => Task.FromResult(Projection.Live.Any(s => s.Id == id)), what: "alert in projection");
        await _host.StopAsync();
        await ((IAsyncDisposable)_host).DisposeAsync();

        (_host, _harness) = await ChannelsTestHost.StartAsync(_data.Path);
        Assert.Contains(Projection.Live, s => s.Id == id);
    }
}
