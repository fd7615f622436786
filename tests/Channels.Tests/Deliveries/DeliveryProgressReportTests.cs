using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AlertBroadcaster.Channels.Tests.Deliveries;

/// <summary>Progress after a batch: coalesced while the send goes on, at once when it may have ended.</summary>
public sealed class DeliveryProgressReportTests : IAsyncLifetime
{
    private readonly TempDataDirectory _data = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private IHost _host = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync() => (_host, _harness) = await ChannelsTestHost.StartAsync(_data.Path, _time);

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        await ((IAsyncDisposable)_host).DisposeAsync();
        _data.Dispose();
    }

    private IEnumerable<DeliveryProgress> Reports(Guid alertId) =>
        _harness.Published.Select<DeliveryProgress>().Select(p => p.Context.Message).Where(p => p.AlertId == alertId);

    [Fact]
    public async Task A_batch_ending_mid_send_reports_a_second_later_and_the_last_batch_reports_at_once()
    {
        var alert = new AlertSnapshot(Guid.NewGuid(), 1, new AlertContent { Headline = "Visiting restrictions", Channels = [AlertChannel.Email], EffectiveFrom = _time.GetUtcNow() });
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var ledger = scope.ServiceProvider.GetRequiredService<DeliveryLedger>();
        var send = (await ledger.StartAsync(alert, 1, AlertChannel.Email, SendPurpose.NewAlert, CancellationToken.None))!;
        await ledger.AddPendingAsync(send.Id, [1, 2, 3], CancellationToken.None);
        async Task MarkSentAsync(params long[] subscribers) =>
            await db.Deliveries.Where(d => d.SendId == send.Id && subscribers.Contains(d.SubscriberId))
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Sent));

        await MarkSentAsync(1);
        await ledger.ReportBatchEndAsync(alert.Id, AlertChannel.Email, CancellationToken.None);
        Assert.Empty(Reports(alert.Id)); // not counted after this batch: two are still pending
        _time.Advance(DeliveryProgressThrottle.Interval);
        await Poll.UntilAsync(() => Task.FromResult(Reports(alert.Id).Any(p => p is { Sent: 1, Pending: 2 })),
            what: "the coalesced report of the batch");

        await MarkSentAsync(2, 3);
        await ledger.ReportBatchEndAsync(alert.Id, AlertChannel.Email, CancellationToken.None);
        // Nothing pending: the send's end is reported before the batch finishes, not a second later.
        Assert.Contains(Reports(alert.Id), p => p is { Sent: 3, Pending: 0, Failed: 0 });
        Assert.False(await _harness.Published.Any<Fault>(), "nothing faulted");
    }
}
