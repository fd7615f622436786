using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Contracts;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Channels.Tests.Deliveries;

/// <summary>The Channels schema in a SQLite file of its own, for tests of the ledger's rows.</summary>
public sealed class SqliteLedger : IAsyncDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"ledger-{Guid.NewGuid():N}.db");

    private SqliteLedger() =>
        Db = new ChannelsDbContext(new DbContextOptionsBuilder<ChannelsDbContext>().UseSqlite($"Data Source={_file};Pooling=false").Options);

    public ChannelsDbContext Db { get; }

    /// <summary>The ledger on this database (no bus, metrics or progress: what it stores, not what it reports).</summary>
    public DeliveryLedger Ledger => new(Db, null!, null!, null!, TimeProvider.System);

    public static async Task<SqliteLedger> CreateAsync()
    {
        var ledger = new SqliteLedger();
        await ledger.Db.Database.EnsureCreatedAsync();
        return ledger;
    }

    /// <summary>A send of a new alert (or of <paramref name="alert"/>) on <paramref name="channel"/>, stored.</summary>
    public async Task<AlertSend> AddSendAsync(AlertChannel channel, AlertSnapshot? alert = null, Guid? alertId = null)
    {
        alert ??= new AlertSnapshot(Guid.NewGuid(), 1, new AlertContent { Headline = "Visiting restrictions", Channels = [channel], EffectiveFrom = DateTimeOffset.UtcNow });
        var send = new AlertSend { AlertId = alertId ?? alert.Id, Revision = alert.Revision, Channel = channel, Purpose = SendPurpose.NewAlert, Alert = alert, CreatedAt = DateTimeOffset.UtcNow };
        Db.Sends.Add(send);
        await Db.SaveChangesAsync();
        return send;
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        File.Delete(_file);
    }
}
