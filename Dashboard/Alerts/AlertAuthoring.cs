using System.Security.Claims;
using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Approval;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.Dashboard.Identity;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>
/// Creating and withdrawing alerts, the same for the pages and the JSON API: applies the approval
/// rule, sends to the Broadcaster (or queues), and writes the audit log. Content is validated by the caller.
/// </summary>
public sealed class AlertAuthoring(
    AlertSubmission submission,
    Approvals approvals,
    AlertsClient alerts,
    IRequestClient<RetryFailedDeliveries> retry,
    AuditLog audit)
{
    /// <summary>
    /// A new alert from <paramref name="author"/>. With <paramref name="urgentReason"/>, an Admin
    /// publishes without approval and the reason goes in the audit log.
    /// </summary>
    /// <param name="lastsFor">An end chosen as a length after the start ("24 hours"), which approval keeps when it moves the start.</param>
    public async Task<Authored> CreateAsync(AlertContent content, ClaimsPrincipal author, string? urgentReason, CancellationToken cancellationToken, TimeSpan? lastsFor = null)
    {
        var command = new PublishAlert(Guid.NewGuid(), content, AuditLog.ActorOf(author));
        var urgent = !string.IsNullOrWhiteSpace(urgentReason);
        if (urgent && !author.IsInRole(Roles.Admin))
        {
            return new Authored.Forbidden("Only an Admin can publish without approval. Submit it for approval instead.");
        }

        if (!urgent && approvals.IsRequiredFor(author))
        {
            return new Authored.AwaitingApproval(await approvals.SubmitAsync(command, lastsFor, author, cancellationToken));
        }

        if (urgent)
        {
            // Recorded before it is sent: an urgent publish is never unexplained.
            await approvals.RecordUrgentAsync(command, author, urgentReason!.Trim());
        }

        // Once an urgent publish is recorded it goes out (or is queued) even if the browser gives up waiting.
        var submitted = await submission.SubmitAsync(command, urgent ? CancellationToken.None : cancellationToken);
        if (!urgent && submitted is not Submitted.Answered { Outcome: AlertOutcome.Rejected })
        {
            await audit.RecordAsync(author, AuditActions.AlertCreated, content.Headline, command.AlertId, after: content);
        }

        return new Authored.Sent(command.AlertId, submitted);
    }

    /// <summary>
    /// A new revision of a published alert. Under the approval rule it waits, like a new alert,
    /// for someone else to approve it; otherwise it is sent to the Broadcaster at once. Either way
    /// the audit log keeps the content before and after. A request timeout surfaces as
    /// <see cref="RequestTimeoutException"/>.
    /// </summary>
    public async Task<Authored> UpdateAsync(Guid alertId, AlertContent content, ClaimsPrincipal author, CancellationToken cancellationToken)
    {
        if (await alerts.GetAsync(alertId, cancellationToken) is not { } current)
        {
            return new Authored.Updated(new AlertOutcome.NotFound(alertId));
        }

        if (current.Status is AlertStatus.Expired or AlertStatus.Withdrawn)
        {
            return new Authored.Updated(new AlertOutcome.Rejected(alertId, new Dictionary<string, string[]>
            {
                ["status"] = [$"This alert is {current.Status} and can no longer be changed. Duplicate it as a new alert instead."],
            }));
        }

        var command = new UpdateAlert(alertId, content, AuditLog.ActorOf(author));
        if (approvals.IsRequiredFor(author))
        {
            return await approvals.SubmitUpdateAsync(command, current.Content, author, cancellationToken) is { } held
                ? new Authored.AwaitingApproval(held)
                : new Authored.Conflict("A change to this alert is already waiting for approval: ask for it to be approved or rejected first, or withdraw it.");
        }

        var outcome = await alerts.UpdateAsync(command, cancellationToken);
        if (outcome is AlertOutcome.Accepted accepted)
        {
            await audit.RecordAsync(author, AuditActions.AlertChanged, $"{content.Headline} (revision {accepted.Alert.Revision})", alertId, before: current.Content, after: accepted.Alert.Content);
        }

        return new Authored.Updated(outcome);
    }

    /// <summary>
    /// Takes an alert down (or cancels it before it goes live, or before anyone approved it).
    /// A request timeout surfaces as <see cref="MassTransit.RequestTimeoutException"/>.
    /// </summary>
    public async Task<Withdrawn> WithdrawAsync(Guid alertId, ClaimsPrincipal user, bool notifySubscribers, CancellationToken cancellationToken)
    {
        if (await approvals.FindAsync(alertId, cancellationToken) is { HeldHere: true } approval)
        {
            if (approval.State != ApprovalState.AwaitingApproval)
            {
                // Sent back or cancelled already: it was never published, there is nothing to take down.
                return new Withdrawn.Cancelled(approval);
            }

            if (await approvals.CancelAsync(alertId, user, cancellationToken) is Decision.Done done)
            {
                return new Withdrawn.Cancelled(done.Approval);
            }

            // Approved at this very moment: it is on its way, so withdraw it like any published alert.
        }

        var outcome = await alerts.WithdrawAsync(new WithdrawAlert(alertId, AuditLog.ActorOf(user), notifySubscribers), cancellationToken);
        if (outcome is AlertOutcome.Accepted accepted)
        {
            // A change still waiting for approval would only be refused now: it goes with the alert.
            if (await approvals.FindAwaitingAsync(alertId, cancellationToken) is not null)
            {
                await approvals.CancelAsync(alertId, user, cancellationToken);
            }

            await audit.RecordAsync(user, AuditActions.AlertWithdrawn,
                notifySubscribers ? $"{accepted.Alert.Content.Headline} (subscribers told)" : accepted.Alert.Content.Headline, alertId);
        }

        return new Withdrawn.ByBroadcaster(outcome);
    }

    /// <summary>Sends again to the recipients that failed on <paramref name="channel"/>; how many went back to the queue.</summary>
    public async Task<int> RetryFailedAsync(Guid alertId, AlertChannel channel, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var response = await BrokerDeadline.RequestAsync(deadline => retry.GetResponse<FailedDeliveriesRetried>(new RetryFailedDeliveries(alertId, channel, AuditLog.ActorOf(user)), deadline), cancellationToken);
        await audit.RecordAsync(user, AuditActions.DeliveriesRetried, $"{response.Message.Retried} failed {channel.ToString().ToLowerInvariant()} messages sent again", alertId);
        return response.Message.Retried;
    }
}

/// <summary>What became of a new alert.</summary>
public abstract record Authored
{
    /// <summary>Sent to the Broadcaster (its answer) or queued for it.</summary>
    public sealed record Sent(Guid AlertId, Submitted Submitted) : Authored;

    /// <summary>Held for a second person to approve.</summary>
    public sealed record AwaitingApproval(ApprovalView Approval) : Authored;

    /// <summary>A change sent to the Broadcaster: its answer.</summary>
    public sealed record Updated(AlertOutcome Outcome) : Authored;

    public sealed record Forbidden(string Reason) : Authored;

    public sealed record Conflict(string Reason) : Authored;
}

/// <summary>What became of a withdrawal.</summary>
public abstract record Withdrawn
{
    /// <summary>It had not been approved: it is cancelled and will never be sent.</summary>
    public sealed record Cancelled(ApprovalView Approval) : Withdrawn;

    public sealed record ByBroadcaster(AlertOutcome Outcome) : Withdrawn;
}
