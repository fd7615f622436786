using AlertBroadcaster.Channels.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// <c>Sms:MessagesPerSecond</c> for every Channels replica together. Two rules, checked in one
/// atomic step at the moment of sending: on PostgreSQL under a transaction lock on the database's
/// clock, so all replicas share them; on SQLite (the embedded host, one process) in memory.
/// <list type="number">
/// <item><b>The window, which keeps the promise.</b> A request counts against the rate from the
/// moment it takes its turn until one window after its answer came back (one second for a whole
/// rate: N = ⌊rate⌋ requests per N / rate seconds); no turn is given while N count. The provider
/// saw a request before it answered it, so the request N turns later reaches the provider at least
/// one window after it: no window at the provider ever holds more than the rate, however late a
/// request travels (a stalled process, a pause in the provider, a slow network). A request never
/// answered counts until <see cref="RequestTimeout"/> plus the window after its turn.</item>
/// <item><b>Pacing, which spreads the texts out</b> (GCRA): a virtual schedule of slots spaced
/// (1 + <see cref="Margin"/>) / rate apart. A sender may take the next slot from
/// <see cref="EarlyAllowance"/> before it; taking it moves the schedule on by one spacing from
/// whichever is later, the slot or now, so a sender that wakes late sends at once and the schedule
/// does not slip.</item>
/// </list>
/// With answers quicker than the margin (1 s × 3.5 % = 35 ms) the window never holds pacing back and
/// the rate achieved is close to rate / (1 + margin). A provider answering in L seconds caps it at
/// N per (window + L): never exceeding the provider's rate wins over reaching it. Pacing alone kept
/// the promise only while every request reached the provider within the margin of its slot, and a
/// loaded CI machine held one back 100 ms. One sender per process waits at a time, so the database
/// sees one taker per replica per slot.
/// </summary>
public sealed partial class SmsRateLimiter(IServiceScopeFactory scopes, IOptions<SmsOptions> options, TimeProvider time, ILogger<SmsRateLimiter> logger) : IDisposable
{
    public const double Margin = 0.035;
    public static readonly TimeSpan EarlyAllowance = TimeSpan.FromMilliseconds(5);

    /// <summary>The providers' HTTP clients give up on a request after this long.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private const string Name = "sms";

    /// <summary>
    /// Serialises takers on PostgreSQL (a transaction-level advisory lock); next to the keys of the
    /// migrations (…805) and Hangfire's schema (…806).
    /// </summary>
    private const long SharedLockKey = 7_243_318_807;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly long _origin = time.GetTimestamp();
    private readonly Dictionary<long, long> _localCountsUntil = [];
    private long _localNextSlot;
    private long _localLastTurn;
    private bool? _shared;

    /// <summary>
    /// Returns when this caller may send one request, with the turn to pass to
    /// <see cref="AnsweredAsync"/> once the provider has answered it (or it failed).
    /// </summary>
    public async Task<long> WaitForTurnAsync(CancellationToken cancellationToken)
    {
        var rules = new Rules(options.Value.MessagesPerSecond);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var (turn, wait) = IsShared()
                    ? await TryTakeSharedAsync(rules, cancellationToken)
                    : TryTakeLocal(rules);
                if (wait == 0)
                {
                    if (logger.IsEnabled(LogLevel.Debug))
                    {
                        LogReleased(Now());
                    }

                    return turn;
                }

                // Timers count whole milliseconds (a shorter delay would not wait at all); the allowance
                // absorbs the rounding up.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait / 1000.0)), time, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The provider answered the request sent in this turn (or it failed): it counts for one more
    /// window from now. Never throws: if this cannot be recorded, the turn counts until its timeout.
    /// </summary>
    public async Task AnsweredAsync(long turn)
    {
        var window = new Rules(options.Value.MessagesPerSecond).Window;
        if (!IsShared())
        {
            lock (_localCountsUntil)
            {
                if (_localCountsUntil.ContainsKey(turn))
                {
                    _localCountsUntil[turn] = Now() + window;
                }
            }

            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
            var answered = $$"""UPDATE {{db.TableOf<ProviderRequest>()}} SET "CountsUntil" = {{DatabaseNow}} + {0} WHERE "Id" = {1}""";
            await db.Database.ExecuteSqlRawAsync(answered, [window, turn]);
        }
        catch (Exception ex)
        {
            LogAnswerNotRecorded(ex, turn, RequestTimeout.TotalSeconds);
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// Each turn as this process gave it, for comparing the sender's spacing with the provider's
    /// arrivals (bench/sms-rate.sh turns it on): where the two differ, the time went in between.
    /// </summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "SMS turn given at {Microseconds} µs")]
    private partial void LogReleased(long microseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer to SMS turn {Turn} could not be recorded: it counts against the rate for up to {Seconds} s")]
    private partial void LogAnswerNotRecorded(Exception exception, long turn, double seconds);

    /// <summary>The database's clock in microseconds since 1970, so replicas on different machines agree on "now".</summary>
    private const string DatabaseNow = "(extract(epoch from clock_timestamp()) * 1000000)::bigint";

    /// <summary>Microseconds since this limiter was made (timestamps times a million would overflow after hours of uptime).</summary>
    private long Now() => time.GetElapsedTime(_origin).Ticks / TimeSpan.TicksPerMicrosecond;

    private bool IsShared()
    {
        if (_shared is { } shared)
        {
            return shared;
        }

        using var scope = scopes.CreateScope();
        return (_shared = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>().Database.IsNpgsql()).Value;
    }

    /// <summary>The embedded host: the gate makes this the only taker, so no database write per text.</summary>
    private (long Turn, long Wait) TryTakeLocal(Rules rules)
    {
        lock (_localCountsUntil)
        {
            var now = Now();
            // A Dictionary allows Remove while it is enumerated.
            foreach (var (turn, until) in _localCountsUntil)
            {
                if (until <= now)
                {
                    _localCountsUntil.Remove(turn);
                }
            }

            var wait = rules.WaitAt(now, _localNextSlot, _localCountsUntil.Count, _localCountsUntil.Count == 0 ? now : _localCountsUntil.Values.Min());
            if (wait > 0)
            {
                return (0, wait);
            }

            _localNextSlot = rules.NextSlotAfterTaking(_localNextSlot, now);
            _localCountsUntil[++_localLastTurn] = now + rules.Unanswered;
            return (_localLastTurn, 0);
        }
    }

    /// <summary>
    /// Replicas take turns one at a time under a transaction-level advisory lock: each statement
    /// after the lock reads what every earlier taker committed.
    /// </summary>
    private async Task<(long Turn, long Wait)> TryTakeSharedAsync(Rules rules, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var (limits, requests) = (db.TableOf<RateLimit>(), db.TableOf<ProviderRequest>());
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [SharedLockKey], cancellationToken);
        var read = $$"""
            SELECT n."Now",
                   COALESCE((SELECT "NextSlot" FROM {{limits}} WHERE "Name" = {0}), 0) AS "NextSlot",
                   (SELECT count(*)::int FROM {{requests}} WHERE "CountsUntil" > n."Now") AS "Counted",
                   COALESCE((SELECT min("CountsUntil") FROM {{requests}} WHERE "CountsUntil" > n."Now"), n."Now") AS "FirstFreed"
            FROM (SELECT {{DatabaseNow}} AS "Now") AS n
            """;
        var state = (await db.Database.SqlQueryRaw<SharedState>(read, Name).ToListAsync(cancellationToken)).Single();
        var wait = rules.WaitAt(state.Now, state.NextSlot, state.Counted, state.FirstFreed);
        if (wait > 0)
        {
            return (0, wait);
        }

        var take = $$"""
            WITH paced AS (
                INSERT INTO {{limits}} ("Name", "NextSlot") VALUES ({0}, {1})
                ON CONFLICT ("Name") DO UPDATE SET "NextSlot" = excluded."NextSlot"),
            expired AS (
                DELETE FROM {{requests}} WHERE "CountsUntil" <= {2})
            INSERT INTO {{requests}} ("CountsUntil") VALUES ({3}) RETURNING "Id" AS "Value"
            """;
        var turn = (await db.Database.SqlQueryRaw<long>(take, Name, rules.NextSlotAfterTaking(state.NextSlot, state.Now), state.Now, state.Now + rules.Unanswered)
            .ToListAsync(cancellationToken)).Single();
        await transaction.CommitAsync(cancellationToken);
        return (turn, 0);
    }

    /// <summary>What a taker on PostgreSQL reads under the lock.</summary>
    private sealed class SharedState
    {
        public long Now { get; init; }

        public long NextSlot { get; init; }

        public int Counted { get; init; }

        public long FirstFreed { get; init; }
    }

    /// <summary>The two rules for one rate, in microseconds.</summary>
    private readonly record struct Rules(double PerSecond)
    {
        /// <summary>Requests allowed in one window.</summary>
        public int PerWindow => Math.Max(1, (int)Math.Floor(PerSecond));

        public long Window => (long)Math.Ceiling(1_000_000 * PerWindow / PerSecond);

        public long Spacing => (long)Math.Ceiling(1_000_000 * (1 + Margin) / PerSecond);

        /// <summary>How long a turn counts when its answer is never recorded.</summary>
        public long Unanswered => (long)RequestTimeout.TotalMicroseconds + Window;

        /// <summary>
        /// Microseconds until a turn may be taken: 0 when one may now. With the window full, at most a
        /// spacing: the first to be freed may be a request still in flight, whose answer frees it sooner.
        /// </summary>
        public long WaitAt(long now, long nextSlot, int counted, long firstFreed) => Math.Max(
            nextSlot - (long)EarlyAllowance.TotalMicroseconds - now,
            counted >= PerWindow ? Math.Min(firstFreed - now, Spacing) : 0);

        public long NextSlotAfterTaking(long nextSlot, long now) => Math.Max(nextSlot, now) + Spacing;
    }
}

/// <summary>
/// Waits for the shared rate's turn as the last step before a provider request goes on the wire,
/// so that nothing between the turn and the wire (building the request, serialising it) can make
/// it late, and reports the answer as soon as it comes. GETs (the warm-up) are not messages and
/// take no turn.
/// </summary>
public sealed class SmsRateLimitHandler(SmsRateLimiter limiter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var turn = await limiter.WaitForTurnAsync(cancellationToken);
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            await limiter.AnsweredAsync(turn);
        }
    }
}
