using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Email;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

namespace AlertBroadcaster.Channels.Jobs;

/// <summary>
/// An email batch job that Hangfire gives up on (its 15 attempts spent: a mail server away or
/// refusing for hours) would leave its recipients Pending, so the send never completed and "retry
/// failed" could not reach them. When an email batch job lands in Failed, its rows still Pending
/// (none of them sent: a batch records what went out before it throws) become Failed with the job's
/// last error, and progress is reported, so the comms team sees them failed and can retry them
/// ("Retry failed") once the server is back. Requeueing the job itself at /hangfire then sends
/// nothing: its rows are no longer Pending. Not SMS batches: a text's row can stay claimed by a run
/// still trying it, and failing it then could text someone twice on a retry.
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
        job is not null && job.Type == typeof(SendEmailBatchJob) && job.Args.Count >= 3
            && job.Args[0] is long sendId && job.Args[1] is long from && job.Args[2] is long to
            ? new BatchRange(sendId, from, to)
            : null;

    private sealed record BatchRange(long SendId, long From, long To);
}
