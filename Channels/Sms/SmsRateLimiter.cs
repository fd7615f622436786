using AlertBroadcaster.Channels.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// <c>Sms:MessagesPerSecond</c> for every Channels replica together. Each request to a provider
/// first takes a slot from one row in the shared PostgreSQL database (an atomic upsert: the next
/// slot is <c>max(next, now) + spacing</c>, on the database's clock), then waits for it. On SQLite
/// (the embedded host, one process) the same slots are kept in memory.
/// <para>
/// Why this keeps any one-second window at the provider within the rate: slots are spaced
/// (1 + <see cref="Margin"/>) / rate apart, so N + 1 consecutive slots span 1 + margin seconds; a
/// sender that reaches its slot more than a fifth of the margin late (10 ms) gives it up and takes a
/// new one, which leaves 40 ms for the request's own jitter on its way to the provider (measured on
/// two busy cores: up to about 30 ms). The price is a rate 5 % below the configured one, the most
/// DESIGN.md allows.
/// </para>
/// </summary>
public sealed class SmsRateLimiter(IServiceScopeFactory scopes, IOptions<SmsOptions> options, TimeProvider time, ILogger<SmsRateLimiter> logger)
{
    public const double Margin = 0.05;
    private const string Name = "sms";

    private readonly Lock _local = new();
    private long _nextLocalSlot;
    private bool? _shared;

    /// <summary>Returns when this caller may send one message.</summary>
    public async Task WaitForTurnAsync(CancellationToken cancellationToken)
    {
        var spacing = (long)Math.Ceiling(1_000_000 * (1 + Margin) / options.Value.MessagesPerSecond);
        var tolerance = TimeSpan.FromSeconds(Margin / 5);
        for (var attempt = 1; ; attempt++)
        {
            // The database's "now" fell somewhere in the round trip: waiting from its end is never
            // early, and counting lateness from its start never underestimates it.
            var asked = time.GetTimestamp();
            var wait = TimeSpan.FromMicroseconds(await ReserveAsync(spacing, cancellationToken));
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            var late = time.GetElapsedTime(asked) - wait;
            if (late <= tolerance)
            {
                return;
            }

            if (attempt % 10 == 0)
            {
                logger.LogWarning("SMS sender missed its slot {Attempts} times running (by {Late} ms): the process is overloaded", attempt, late.TotalMilliseconds);
            }
        }
    }

    /// <summary>Microseconds from now until this caller's slot.</summary>
    private async Task<long> ReserveAsync(long spacing, CancellationToken cancellationToken)
    {
        if (_shared ??= IsShared())
        {
            var (slot, now) = await ReserveSharedAsync(spacing, cancellationToken);
            return Math.Max(0, slot - now);
        }

        // SQLite means the embedded host: one process, so the rate is kept here, with no database write per text.
        lock (_local)
        {
            var now = time.GetTimestamp() * 1_000_000 / time.TimestampFrequency;
            var slot = Math.Max(_nextLocalSlot, now);
            _nextLocalSlot = slot + spacing;
            return slot - now;
        }
    }

    private bool IsShared()
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ChannelsDbContext>().Database.IsNpgsql();
    }

    private async Task<(long Slot, long Now)> ReserveSharedAsync(long spacing, CancellationToken cancellationToken)
    {
        // Its own context: the batch's senders reserve concurrently.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var entity = db.Model.FindEntityType(typeof(RateLimit))!;
        var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
        // The database's clock, so replicas on different machines agree on what "now" is.
        const string now = "(extract(epoch from clock_timestamp()) * 1000000)::bigint";
        var sql = $$"""
            INSERT INTO {{table}} AS r ("Name", "NextSlot") VALUES ({0}, {{now}} + {1})
            ON CONFLICT ("Name") DO UPDATE SET "NextSlot" = GREATEST(r."NextSlot", {{now}}) + {1}
            RETURNING r."NextSlot" - {1} AS "Slot", {{now}} AS "Now"
            """;
        object[] parameters = [Name, spacing];
        var row = (await db.Database.SqlQueryRaw<SlotRow>(sql, parameters).ToListAsync(cancellationToken)).Single();
        return (row.Slot, row.Now);
    }

    private sealed class SlotRow
    {
        public long Slot { get; set; }

        public long Now { get; set; }
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
