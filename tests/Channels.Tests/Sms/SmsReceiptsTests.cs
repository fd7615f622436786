using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Jobs;
using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Channels.Tests.Deliveries;
using AlertBroadcaster.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlertBroadcaster.Channels.Tests.Sms;

/// <summary>Receipts against the ledger's rows, on a real SQLite file.</summary>
public sealed class SmsReceiptsTests : IAsyncLifetime
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddLogging().BuildServiceProvider();
    private SqliteLedger _store = null!;

    public async Task InitializeAsync() => _store = await SqliteLedger.CreateAsync();

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_receipt_settles_a_text_its_batch_gave_up_on_while_a_run_was_still_sending_it_but_not_a_refused_one()
    {
        var send = await _store.AddSendAsync(AlertChannel.Sms);
        await _store.Ledger.AddPendingAsync(send.Id, [1, 2], CancellationToken.None);
        var rows = await _store.Db.Deliveries.OrderBy(d => d.Id).ToListAsync();
        var (givenUp, refused) = (rows[0], rows[1]);
        (givenUp.Status, givenUp.Error) = (DeliveryStatus.Failed, GivenUpBatches.ErrorPrefix + "SMS batch paused: 503");
        (refused.Status, refused.Error) = (DeliveryStatus.Failed, "The 'To' number is not a valid phone number.");
        await _store.Db.SaveChangesAsync();
        var receipts = new SmsReceipts(_store.Db,
            new DeliveryProgressThrottle(_services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System, NullLogger<DeliveryProgressThrottle>.Instance),
            new DeliveryMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<SmsReceipts>.Instance);

        // The provider took both after all (the run still holding the first sent it once the provider was back).
        await receipts.ApplyAsync(SmsProviderName.Twilio, givenUp.Id.ToString(), "SM1", ReceiptStatus.Delivered, null, CancellationToken.None);
        await receipts.ApplyAsync(SmsProviderName.Twilio, refused.Id.ToString(), "SM2", ReceiptStatus.Delivered, null, CancellationToken.None);

        _store.Db.ChangeTracker.Clear();
        var after = await _store.Db.Deliveries.OrderBy(d => d.Id).ToListAsync();
        Assert.Equal((DeliveryStatus.Delivered, "SM1"), (after[0].Status, after[0].ProviderMessageId));
        Assert.Equal((DeliveryStatus.Failed, null), (after[1].Status, after[1].ProviderMessageId));
    }
}
