using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Channels.Sms;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

namespace AlertBroadcaster.Channels.Jobs;

/// <summary>
/// A batch job that Hangfire gives up on (its attempts spent: a mail server or SMS provider away or
/// refusing for hours) would leave its recipients Pending, so the send never completed and "retry
/// failed" could not reach them. When an email or SMS batch job lands in Failed, its rows still
/// Pending (none of them sent: a batch records what went out before it throws) become Failed with the
/// job's last error, and progress is reported, so the comms team sees them failed and can retry them
/// ("Retry failed") once the server is back. Requeueing the job itself at /hangfire then sends
/// nothing: its rows are no longer Pending. A text still claimed by a live run of the same job (one
/// Hangfire started while another waited out the outage, whose end Hangfire then ignores) is marked
/// too, and that run still records it sent if the provider takes it; retrying the failed ones meanwhile
/// leaves it to that run's claim, so nobody is texted twice.
/// </summary>
public sealed class GivenUpBatches(IServiceScopeFactory scopes, ILogger<GivenUpBatches> logger) : IApplyStateFilter
{
    /// <summary>How the error of a row this filter failed begins.</summary>
    public const string ErrorPrefix = "Not sent: the batch gave up after its retries. ";

    /// <summary>Hangfire's filters: the usual ones (attributes, global) and this one, for a job server's options.</summary>
    public static IJobFilterProvider With(GivenUpBatches filter) =>
        new JobFilterProviderCollection(JobFilterProviders.Providers, new JobFilterCollection { filter });

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (context.NewState is not FailedState failed || Batch(context.BackgroundJob.Job) is not { } batch)
        {
            return;
        }

        // Hangfire's state changes are synchronous, on the worker thread that ran the job.
        using var scope = scopes.CreateScope();
        try
        {
            scope.ServiceProvider.GetRequiredService<DeliveryLedger>()
                .GiveUpBatchAsync(batch.SendId, batch.From, batch.To, ErrorPrefix + failed.Exception.Message, CancellationToken.None)
                .GetAwaiter().GetResult();
            logger.LogWarning("Batch {From}-{To} of send {SendId} gave up after its retries; its unsent recipients are marked failed", batch.From, batch.To, batch.SendId);
        }
        catch (Exception ex)
        {
            // The job's own state change still goes ahead; its rows stay Pending, as they would without this filter.
            logger.LogError(ex, "Could not mark the unsent recipients of batch {From}-{To} of send {SendId} failed", batch.From, batch.To, batch.SendId);
        }
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }

    private static BatchRange? Batch(Job? job) =>
        job is not null && (job.Type == typeof(SendEmailBatchJob) || job.Type == typeof(SendSmsBatchJob)) && job.Args.Count >= 3
            && job.Args[0] is long sendId && job.Args[1] is long from && job.Args[2] is long to
            ? new BatchRange(sendId, from, to)
            : null;

    private sealed record BatchRange(long SendId, long From, long To);
}
