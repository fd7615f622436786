using System.Diagnostics;

namespace AlertBroadcaster.TestSupport;

/// <summary>Waits for a condition by polling until a deadline: the tests' only way to wait.</summary>
public static class Poll
{
    /// <summary>
    /// Long enough for a loaded 2-core CI machine (several processes, a cold JIT): a deadline costs
    /// time only when a test is failing anyway.
    /// </summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? deadline = null, string? what = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = deadline ?? DefaultDeadline;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Gave up after {limit.TotalSeconds:0.#} s waiting for {what ?? "the condition"}; last value: {value}");
            }

            await Task.Delay(25);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan? deadline = null, string? what = null) =>
        UntilAsync(condition, ok => ok, deadline, what);

    /// <summary>Waits for the wall clock to pass <paramref name="instant"/> (the thing under test is time itself).</summary>
    public static async Task UntilPastAsync(DateTimeOffset instant)
    {
        while (DateTimeOffset.UtcNow <= instant)
        {
            var remaining = instant - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(20);
            await Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
        }
    }
}
