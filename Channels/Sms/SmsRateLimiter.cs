using AlertBroadcaster.Channels.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// <c>Sms:MessagesPerSecond</c> for every Channels replica together, as a virtual schedule of
/// slots spaced (1 + <see cref="Margin"/>) / rate apart (GCRA). A sender may take the next slot
/// from <see cref="EarlyAllowance"/> before it; taking it moves the schedule on by one spacing from
/// whichever is later, the slot or now. The check and the move are one atomic step at the moment of
/// sending: on PostgreSQL one conditional upsert of a shared row on the database's clock, so all
/// replicas share it; on SQLite (the embedded host, one process) the same schedule in memory.
/// <para>
/// Why any one-second window at the provider stays within the rate: GCRA lets at most
/// (1 s + allowance + jitter) / spacing + 1 requests into a window, which is under the rate while
/// allowance + jitter stay under the margin (1 s × 3.5 % = 35 ms): 5 ms early plus up to 30 ms
/// between taking a slot and reaching the provider. Measured on two busy cores: bench/sms-rate.sh
/// (10,000 at 100/s) used at most 12 ms of it, and two replicas on PostgreSQL never came near. A
/// sender that wakes late is never turned
/// away: it sends at once and, up to the allowance, the schedule does not slip, so the rate achieved
/// stays close to rate / (1 + margin). One sender per process waits for the schedule at a time,
/// so the shared row sees one request per replica per slot.
/// </para>
/// </summary>
public sealed partial class SmsRateLimiter(IServiceScopeFactory scopes, IOptions<SmsOptions> options, TimeProvider time, ILogger<SmsRateLimiter> logger) : IDisposable
{
    public const double Margin = 0.035;
    public static readonly TimeSpan EarlyAllowance = TimeSpan.FromMilliseconds(5);
    private const string Name = "sms";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly long _origin = time.GetTimestamp();
    private long _localNextSlot;
    private bool? _shared;

    /// <summary>Returns when this caller may send one message.</summary>
    public async Task WaitForTurnAsync(CancellationToken cancellationToken)
    {
        var spacing = (long)Math.Ceiling(1_000_000 * (1 + Margin) / options.Value.MessagesPerSecond);
        var allowance = (long)EarlyAllowance.TotalMicroseconds;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (await TryTakeAsync(spacing, allowance, cancellationToken) is var wait && wait > 0)
            {
                // Timers count whole milliseconds (a shorter delay would not wait at all); the allowance
                // absorbs the rounding up.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait / 1000.0)), time, cancellationToken);
            }

            if (logger.IsEnabled(LogLevel.Debug))
            {
                LogReleased(time.GetElapsedTime(_origin).Ticks / TimeSpan.TicksPerMicrosecond);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// Each turn as this process gave it, for comparing the sender's spacing with the provider's
    /// arrivals (bench/sms-rate.sh turns it on): where the two differ, the time went in between.
    /// </summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "SMS turn given at {Microseconds} µs")]
    private partial void LogReleased(long microseconds);

    /// <summary>Takes the next slot and returns 0 when it is open, else the microseconds until it opens.</summary>
    private async Task<long> TryTakeAsync(long spacing, long allowance, CancellationToken cancellationToken)
    {
        if (_shared ??= IsShared())
        {
            return await TryTakeSharedAsync(spacing, allowance, cancellationToken);
        }

        // The gate makes this the only caller: no database write per text in the embedded host.
        // Microseconds since this limiter was made (timestamps times a million would overflow after hours of uptime).
        var now = time.GetElapsedTime(_origin).Ticks / TimeSpan.TicksPerMicrosecond;
        if (now < _localNextSlot - allowance)
        {
            return _localNextSlot - allowance - now;
        }

        _localNextSlot = Math.Max(_localNextSlot, now) + spacing;
        return 0;
    }

    private bool IsShared()
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ChannelsDbContext>().Database.IsNpgsql();
    }

    private async Task<long> TryTakeSharedAsync(long spacing, long allowance, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var entity = db.Model.FindEntityType(typeof(RateLimit))!;
        var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
        // The database's clock, so replicas on different machines agree on what "now" is.
        const string now = "(extract(epoch from clock_timestamp()) * 1000000)::bigint";
        // When the slot is not open, the wait is read from the statement's snapshot, which may be a
        // little behind a concurrent taker: at worst this asks again too soon.
        var sql = $$"""
            WITH taken AS (
                INSERT INTO {{table}} AS r ("Name", "NextSlot") VALUES ({0}, {{now}} + {1})
                ON CONFLICT ("Name") DO UPDATE SET "NextSlot" = GREATEST(r."NextSlot", {{now}}) + {1}
                WHERE r."NextSlot" - {2} <= {{now}}
                RETURNING 1)
            SELECT CASE WHEN EXISTS (SELECT 1 FROM taken) THEN 0
                        ELSE GREATEST(1000, (SELECT "NextSlot" FROM {{table}} WHERE "Name" = {0}) - {2} - {{now}}) END AS "Value"
            """;
        object[] parameters = [Name, spacing, allowance];
        return (await db.Database.SqlQueryRaw<long>(sql, parameters).ToListAsync(cancellationToken)).Single();
    }
}

/// <summary>
/// Waits for the shared rate slot as the last step before a provider request goes on the wire,
/// so that nothing between the slot and the wire (building the request, serialising it) can make
/// it late. GETs (the warm-up) are not messages and take no slot.
/// </summary>
public sealed class SmsRateLimitHandler(SmsRateLimiter limiter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post)
        {
            await limiter.WaitForTurnAsync(cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
