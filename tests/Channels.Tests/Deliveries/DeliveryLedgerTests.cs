using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Contracts;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Channels.Tests.Deliveries;

public sealed class DeliveryLedgerTests : IAsyncLifetime
{
    private SqliteLedger _store = null!;

    public async Task InitializeAsync() => _store = await SqliteLedger.CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Pending_rows_carry_the_send_s_alert_and_a_repeated_page_adds_only_the_missing_ones()
    {
        var alert = new AlertSnapshot(Guid.NewGuid(), 3, new AlertContent { Headline = "Visiting restrictions", Channels = [AlertChannel.Email], EffectiveFrom = DateTimeOffset.UtcNow });
        var send = await _store.AddSendAsync(AlertChannel.Email, alert);
        var other = await _store.AddSendAsync(AlertChannel.Sms, alert, alertId: Guid.NewGuid());
        var ledger = _store.Ledger;

        await ledger.AddPendingAsync(send.Id, [1, 2, 3], CancellationToken.None);
        // A fan-out retried after stopping part-way writes the same page again, with more in it.
        await ledger.AddPendingAsync(send.Id, [1, 2, 3, 4, 5], CancellationToken.None);
        await ledger.AddPendingAsync(other.Id, [2], CancellationToken.None);

        var rows = await _store.Db.Deliveries.AsNoTracking().Where(d => d.SendId == send.Id).OrderBy(d => d.SubscriberId).ToListAsync();
        Assert.Equal([1L, 2, 3, 4, 5], rows.Select(r => r.SubscriberId));
        Assert.All(rows, r =>
        {
            Assert.Equal(alert.Id, r.AlertId);
            Assert.Equal(3, r.Revision);
            Assert.Equal(AlertChannel.Email, r.Channel);
            Assert.Equal(DeliveryStatus.Pending, r.Status);
        });
        // Read back through the model as the batches and the progress counts read them.
        Assert.Equal(new DeliveryCounts(0, 0, 0, 5), await ledger.CountAsync(alert.Id, AlertChannel.Email, CancellationToken.None));
        Assert.Equal(1, await _store.Db.Deliveries.CountAsync(d => d.SendId == other.Id && d.Channel == AlertChannel.Sms && d.SubscriberId == 2));
    }

    [Theory]
    // Failed 1, 4, 5, 7 with 3 still Pending (a batch to run): 1 alone, so no retry batch reaches 3.
    [InlineData(new long[] { 1, 4, 5, 7 }, new long[] { 3 }, 10, "1-1 4-7")]
    [InlineData(new long[] { 1, 4, 5, 7 }, new long[] { 3, 6 }, 10, "1-1 4-5 7-7")]
    [InlineData(new long[] { 1, 4, 5, 7 }, new long[0], 2, "1-4 5-7")]
    [InlineData(new long[] { 2 }, new long[0], 2, "2-2")]
    [InlineData(new long[0], new long[0], 2, "")]
    public void Retry_ranges_hold_at_most_a_batch_and_never_a_row_pending_before_the_retry(long[] failed, long[] pending, int batchSize, string expected) =>
        Assert.Equal(expected, string.Join(' ', DeliveryLedger.RetryRanges(failed, pending, batchSize).Select(r => $"{r.From}-{r.To}")));

    [Fact]
    public async Task A_retry_mid_send_resets_the_failed_and_leaves_batches_still_to_run_out_of_its_ranges()
    {
        var send = await _store.AddSendAsync(AlertChannel.Email);
        var ledger = _store.Ledger;
        await ledger.AddPendingAsync(send.Id, [1, 2, 3, 4, 5, 6], CancellationToken.None);
        var rows = await _store.Db.Deliveries.Where(d => d.SendId == send.Id).OrderBy(d => d.Id).ToListAsync();
        // The first batch (rows 1–2) and the third (5–6) are done, each with a failure; the second (3–4) has not run yet.
        (rows[0].Status, rows[1].Status, rows[4].Status, rows[5].Status) = (DeliveryStatus.Failed, DeliveryStatus.Sent, DeliveryStatus.Sent, DeliveryStatus.Failed);
        await _store.Db.SaveChangesAsync();

        var retry = await ledger.ResetFailedAsync(send.AlertId, AlertChannel.Email, 200, CancellationToken.None);

        Assert.Equal(2, retry.Count);
        Assert.Equal([(send.Id, rows[0].Id, rows[0].Id), (send.Id, rows[5].Id, rows[5].Id)], retry.Batches);
        _store.Db.ChangeTracker.Clear();
        Assert.Equal([DeliveryStatus.Pending, DeliveryStatus.Sent, DeliveryStatus.Pending, DeliveryStatus.Pending, DeliveryStatus.Sent, DeliveryStatus.Pending],
            await _store.Db.Deliveries.Where(d => d.SendId == send.Id).OrderBy(d => d.Id).Select(d => d.Status).ToListAsync());
    }
}
