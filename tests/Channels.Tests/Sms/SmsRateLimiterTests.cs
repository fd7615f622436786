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
            var turn = limiter.WaitForTurnAsync(CancellationToken.None);
            // The fake clock wakes waiters inside Advance, so each step settles before the next. Steps of
            // 3 ms make wake-ups up to 3 ms late, plus the 1 ms the limiter rounds its waits up: within the allowance.
            for (var steps = 0; !turn.IsCompleted; steps++)
            {
                Assert.True(steps < 1000, $"turn {i + 1} never came");
                _time.Advance(TimeSpan.FromMilliseconds(3));
            }

            await turn;
            turns.Add(_time.GetElapsedTime(start));
        }

        for (var first = 0; first + rate < turns.Count; first++)
        {
            Assert.True(turns[first + rate] - turns[first] >= TimeSpan.FromSeconds(1), $"{rate + 1} turns within a second, from {turns[first]}");
        }

        var spacing = TimeSpan.FromSeconds((1 + SmsRateLimiter.Margin) / rate);
        Assert.True(turns[^1] <= spacing * (turns.Count - 1) + SmsRateLimiter.EarlyAllowance, $"the schedule slipped: last turn at {turns[^1]}");
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
