using AlertBroadcaster.Channels.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// <c>Sms:MessagesPerSecond</c> for every Channels replica together. Each request to a provider
/// first takes a slot from one row in the shared database (an atomic upsert: the next slot is
/// <c>max(next, now) + spacing</c>, on the database's clock), then waits for it.
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

    /// <summary>Returns when this caller may send one message.</summary>
    public async Task WaitForTurnAsync(CancellationToken cancellationToken)
    {
        var spacing = (long)Math.Ceiling(1_000_000 * (1 + Margin) / options.Value.MessagesPerSecond);
        var tolerance = TimeSpan.FromSeconds(Margin / 5);
        for (var attempt = 1; ; attempt++)
        {
            var (slot, now) = await ReserveAsync(spacing, cancellationToken);
            var wait = TimeSpan.FromMicroseconds(Math.Max(0, slot - now));
            var started = time.GetTimestamp();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            var late = time.GetElapsedTime(started) - wait;
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

    private async Task<(long Slot, long Now)> ReserveAsync(long spacing, CancellationToken cancellationToken)
    {
        // Its own context: the batch's senders reserve concurrently.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var entity = db.Model.FindEntityType(typeof(RateLimit))!;
        var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
        // {0} the limiter's name, {1} the spacing, {2} (SQLite) now, all as parameters.
        string sql;
        object[] parameters;
        if (db.Database.IsNpgsql())
        {
            // The database's clock, so replicas on different machines agree on what "now" is.
            const string now = "(extract(epoch from clock_timestamp()) * 1000000)::bigint";
            sql = $$"""
                INSERT INTO {{table}} AS r ("Name", "NextSlot") VALUES ({0}, {{now}} + {1})
                ON CONFLICT ("Name") DO UPDATE SET "NextSlot" = GREATEST(r."NextSlot", {{now}}) + {1}
                RETURNING r."NextSlot" - {1} AS "Slot", {{now}} AS "Now"
                """;
            parameters = [Name, spacing];
        }
        else
        {
            // SQLite is one machine: its clock is this one.
            sql = $$"""
                INSERT INTO {{table}} ("Name", "NextSlot") VALUES ({0}, {2} + {1})
                ON CONFLICT ("Name") DO UPDATE SET "NextSlot" = max("NextSlot", {2}) + {1}
                RETURNING "NextSlot" - {1} AS "Slot", {2} AS "Now"
                """;
            parameters = [Name, spacing, time.GetUtcNow().ToUnixTimeMilliseconds() * 1000];
        }

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
