using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Channels.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AlertBroadcaster.Channels.Tests.Sms;

public sealed class SmsRateLimiterTests
{
    // The fake clock's timestamps are those of the year 2000 in ticks: far larger than a machine's
    // uptime, so arithmetic that overflows after hours of uptime fails here at once.
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Turns_keep_to_the_rate_in_every_second_and_late_wake_ups_do_not_slow_the_schedule()
    {
        const int rate = 10;
        using var limiter = Limiter(rate);
        var turns = new List<TimeSpan>();
        var start = _time.GetTimestamp();

        for (var i = 0; i < 3 * rate; i++)
        {
            // Steps of 3 ms make wake-ups up to 3 ms late, plus the 1 ms the limiter rounds its waits up:
            // within the allowance. Answered at once: only pacing holds the next turns back.
            await limiter.AnsweredAsync(await NextTurnAsync(limiter));
            turns.Add(_time.GetElapsedTime(start));
        }

        for (var first = 0; first + rate < turns.Count; first++)
        {
            Assert.True(turns[first + rate] - turns[first] >= TimeSpan.FromSeconds(1), $"{rate + 1} turns within a second, from {turns[first]}");
        }

        var spacing = TimeSpan.FromSeconds((1 + SmsRateLimiter.Margin) / rate);
        Assert.True(turns[^1] <= spacing * (turns.Count - 1) + SmsRateLimiter.EarlyAllowance, $"the schedule slipped: last turn at {turns[^1]}");
    }

    [Fact]
    public async Task A_slow_answer_holds_back_the_turn_a_rate_later_until_a_second_after_it()
    {
        const int rate = 5;
        using var limiter = Limiter(rate);
        var start = _time.GetTimestamp();
        var unanswered = new List<long>();
        for (var i = 0; i < rate; i++)
        {
            unanswered.Add(await NextTurnAsync(limiter));
        }

        // Pacing alone would give the next turn at 5 × 207 ms; every request is still unanswered then.
        var next = limiter.WaitForTurnAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1500) - _time.GetElapsedTime(start));
        Assert.False(next.IsCompleted, "a turn was given while a rate's worth of requests counted");

        await limiter.AnsweredAsync(unanswered[0]);
        var answeredAt = _time.GetElapsedTime(start);
        await AdvanceUntilAsync(next);
        Assert.InRange(_time.GetElapsedTime(start) - answeredAt, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1010));
    }

    [Fact]
    public async Task A_request_never_answered_stops_counting_after_its_timeout()
    {
        using var limiter = Limiter(1);
        var start = _time.GetTimestamp();
        _ = await NextTurnAsync(limiter);

        await NextTurnAsync(limiter);

        Assert.InRange(_time.GetElapsedTime(start), SmsRateLimiter.RequestTimeout + TimeSpan.FromSeconds(1), SmsRateLimiter.RequestTimeout + TimeSpan.FromSeconds(2));
    }

    /// <summary>
    /// Moves the fake clock on in 3 ms steps until the turn is given. The fake clock wakes waiters
    /// inside Advance, so each step settles before the next.
    /// </summary>
    private async Task<long> NextTurnAsync(SmsRateLimiter limiter)
    {
        var turn = limiter.WaitForTurnAsync(CancellationToken.None);
        await AdvanceUntilAsync(turn);
        return await turn;
    }

    private async Task AdvanceUntilAsync(Task turn)
    {
        for (var steps = 0; !turn.IsCompleted; steps++)
        {
            Assert.True(steps < 20_000, "the turn never came");
            _time.Advance(TimeSpan.FromMilliseconds(3));
        }

        await turn;
    }

    private SmsRateLimiter Limiter(double perSecond)
    {
        var services = new ServiceCollection()
            .AddDbContext<ChannelsDbContext>(o => o.UseSqlite("Data Source=:memory:"))
            .BuildServiceProvider();
        return new SmsRateLimiter(services.GetRequiredService<IServiceScopeFactory>(), Options.Create(new SmsOptions { MessagesPerSecond = perSecond }), _time,
            NullLogger<SmsRateLimiter>.Instance);
    }
}
