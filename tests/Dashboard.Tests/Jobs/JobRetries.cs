using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests.Jobs;

/// <summary>Hangfire's retries without their hours of backoff.</summary>
public static class JobRetries
{
    /// <summary>
    /// Waits for a job of type <typeparamref name="TJob"/> to be scheduled for a retry, tells it it has
    /// had every attempt (Hangfire's <c>RetryCount</c> parameter) and runs it again at once, so its next
    /// failure is its last. Returns its id.
    /// </summary>
    public static Task<string> RunTheLastAttemptOfAsync<TJob>(this IServiceProvider services, int attempts)
    {
        var storage = services.GetRequiredService<JobStorage>();
        var client = new BackgroundJobClient(storage);
        return TestSupport.Poll.UntilAsync(() =>
        {
            var waiting = storage.GetMonitoringApi().ScheduledJobs(0, 100).FirstOrDefault(j => j.Value.Job?.Type == typeof(TJob)).Key;
            if (waiting is null)
            {
                return Task.FromResult("");
            }

            using var connection = storage.GetConnection();
            var count = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            connection.SetJobParameter(waiting, "RetryCount", count);
            // Only while it is still waiting: no attempt of it is running that could write its own count.
            var requeued = client.ChangeState(waiting, new EnqueuedState(), ScheduledState.StateName)
                && connection.GetJobParameter(waiting, "RetryCount") == count;
            return Task.FromResult(requeued ? waiting : "");
        }, id => id.Length > 0, TimeSpan.FromMinutes(2), $"a {typeof(TJob).Name} waiting for its retry, run again as its last attempt");
    }

    public static string StateOf(this IServiceProvider services, string jobId)
    {
        using var connection = services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetStateData(jobId).Name;
    }
}
