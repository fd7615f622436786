using System.Security.Claims;
using System.Text.Json;
using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.Dashboard.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Dashboard.Approval;

/// <summary>
/// The approval rule (<c>Approval:Required</c>): a signed-in author's new alert waits here until a
/// different person with the Approver role approves it (it is then sent on) or rejects it with a
/// comment. API keys an Admin marked as trusted, and Admins giving an audited reason, publish directly.
/// </summary>
public sealed class Approvals(
    DashboardDbContext db,
    QueuedAlerts queue,
    AlertSubmission submission,
    AuditLog audit,
    TimeProvider time,
    IOptions<ApprovalOptions> options)
{
    public bool IsRequiredFor(ClaimsPrincipal user) =>
        options.Value.Required && !user.HasClaim(StaffClaims.PublishesWithoutApproval, "true");

    public async Task<ApprovalView> SubmitAsync(PublishAlert command, ClaimsPrincipal author, CancellationToken cancellationToken)
    {
        var row = new AlertApproval
        {
            Id = command.AlertId,
            Command = JsonSerializer.Serialize(command),
            SubmittedBy = command.RequestedBy,
            SubmittedAt = time.GetUtcNow(),
            State = ApprovalState.AwaitingApproval,
        };
        db.AlertApprovals.Add(row);
        audit.Add(author, AuditActions.AlertSubmitted, command.Content.Headline, command.AlertId, after: command.Content);
        await db.SaveChangesAsync(cancellationToken);
        return View(row);
    }

    /// <summary>Records an Admin's urgent publish (with the reason) before the alert is sent.</summary>
    public async Task RecordUrgentAsync(PublishAlert command, ClaimsPrincipal admin, string reason)
    {
        var now = time.GetUtcNow();
        db.AlertApprovals.Add(new AlertApproval
        {
            Id = command.AlertId,
            Command = JsonSerializer.Serialize(command),
            SubmittedBy = command.RequestedBy,
            SubmittedAt = now,
            State = ApprovalState.PublishedUrgently,
            DecidedBy = AuditLog.ActorOf(admin),
            DecidedAt = now,
            Comment = reason,
        });
        audit.Add(admin, AuditActions.AlertPublishedUrgently, $"{command.Content.Headline} — reason: {reason}", command.AlertId, after: command.Content);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    public async Task<ApprovalView?> FindAsync(Guid alertId, CancellationToken cancellationToken) =>
        await db.AlertApprovals.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken) is { } row ? View(row) : null;

    /// <summary>Alerts waiting for approval or sent back, oldest first (a handful; sorted here, as SQLite cannot order instants).</summary>
    public async Task<IReadOnlyList<ApprovalView>> ListOpenAsync(CancellationToken cancellationToken) =>
        (await db.AlertApprovals.AsNoTracking()
            .Where(a => a.State == ApprovalState.AwaitingApproval || a.State == ApprovalState.Rejected)
            .ToListAsync(cancellationToken))
        .Select(View).OrderBy(a => a.SubmittedAt).ToList();

    /// <summary>
    /// Approves and sends the alert on. The approval and the alert's place in the Dashboard's outbox
    /// are saved together, so an approved alert reaches the Broadcaster even if this process stops
    /// straight after; it is then sent at once when the Broadcaster answers.
    /// </summary>
    public async Task<Decision> ApproveAsync(Guid alertId, ClaimsPrincipal approver, string? comment, CancellationToken cancellationToken)
    {
        if (await CheckDeciderAsync(alertId, approver, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var row = await db.AlertApprovals.AsNoTracking().FirstAsync(a => a.Id == alertId, cancellationToken);
        var stored = JsonSerializer.Deserialize<PublishAlert>(row.Command)!;
        var now = time.GetUtcNow();
        // "Starts now" meant when approved: a start already past becomes the moment of approval.
        var command = stored with { Content = stored.Content with { EffectiveFrom = stored.Content.EffectiveFrom < now ? now : stored.Content.EffectiveFrom } };

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (!await DecideAsync(alertId, ApprovalState.Approved, approver, comment, now, cancellationToken))
            {
                return AlreadyDecided();
            }

            queue.Enqueue(command);
            audit.Add(approver, AuditActions.AlertApproved, string.IsNullOrWhiteSpace(comment) ? stored.Content.Headline : $"{stored.Content.Headline} — {comment.Trim()}", alertId);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var outcome = await submission.SendQueuedNowAsync(command, cancellationToken);
        return new Decision.Done((await FindAsync(alertId, cancellationToken))!, outcome);
    }

    public async Task<Decision> RejectAsync(Guid alertId, ClaimsPrincipal approver, string? comment, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(comment))
        {
            return new Decision.Invalid("comment", "Say why it is rejected, so its author can put it right.");
        }

        if (await CheckDeciderAsync(alertId, approver, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (!await DecideAsync(alertId, ApprovalState.Rejected, approver, comment, time.GetUtcNow(), cancellationToken))
        {
            return AlreadyDecided();
        }

        var view = (await FindAsync(alertId, cancellationToken))!;
        await audit.RecordAsync(approver, AuditActions.AlertRejected, $"{view.Command.Content.Headline} — {comment.Trim()}", alertId);
        return new Decision.Done(view, null);
    }

    /// <summary>Withdraws an alert nobody has approved yet: it is never sent. Anyone on the staff may (the author changing their mind, most often).</summary>
    public async Task<Decision> CancelAsync(Guid alertId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!await DecideAsync(alertId, ApprovalState.Cancelled, user, null, time.GetUtcNow(), cancellationToken))
        {
            return AlreadyDecided();
        }

        var view = (await FindAsync(alertId, cancellationToken))!;
        await audit.RecordAsync(user, AuditActions.AlertCancelled, view.Command.Content.Headline, alertId);
        return new Decision.Done(view, null);
    }

    /// <summary>Null when <paramref name="decider"/> may approve or reject this alert now; else why not.</summary>
    private async Task<Decision?> CheckDeciderAsync(Guid alertId, ClaimsPrincipal decider, CancellationToken cancellationToken)
    {
        if (await FindAsync(alertId, cancellationToken) is not { } approval)
        {
            return new Decision.NotFound(alertId);
        }

        if (approval.State != ApprovalState.AwaitingApproval)
        {
            return AlreadyDecided();
        }

        if (string.Equals(approval.SubmittedBy, AuditLog.ActorOf(decider), StringComparison.OrdinalIgnoreCase))
        {
            return new Decision.Forbidden("You cannot approve or reject your own alert: someone else with the Approver role must.");
        }

        if (!decider.IsInRole(Roles.Approver))
        {
            return new Decision.Forbidden("Only someone with the Approver role can approve or reject alerts.");
        }

        return null;
    }

    /// <summary>Moves the alert out of AwaitingApproval, once: of two people deciding at the same moment, one wins.</summary>
    private async Task<bool> DecideAsync(Guid alertId, ApprovalState state, ClaimsPrincipal decider, string? comment, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var actor = AuditLog.ActorOf(decider);
        var note = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        return await db.AlertApprovals
            .Where(a => a.Id == alertId && a.State == ApprovalState.AwaitingApproval)
            .ExecuteUpdateAsync(set => set
                .SetProperty(a => a.State, state)
                .SetProperty(a => a.DecidedBy, actor)
                .SetProperty(a => a.DecidedAt, at)
                .SetProperty(a => a.Comment, note), cancellationToken) == 1;
    }

    private static Decision.Conflict AlreadyDecided() => new("This alert is no longer waiting for approval: refresh to see what happened to it.");

    private static ApprovalView View(AlertApproval row) => new(
        JsonSerializer.Deserialize<PublishAlert>(row.Command) ?? throw new InvalidDataException($"Approval {row.Id} has no command."),
        row.SubmittedBy, row.SubmittedAt, row.State, row.DecidedBy, row.DecidedAt, row.Comment);
}

/// <summary>An alert's approval record as staff see it.</summary>
public sealed record ApprovalView(
    PublishAlert Command,
    string SubmittedBy,
    DateTimeOffset SubmittedAt,
    ApprovalState State,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Comment)
{
    public Guid Id => Command.AlertId;

    /// <summary>Still only here (waiting, sent back or cancelled): the Broadcaster has never had it.</summary>
    public bool HeldHere => State is ApprovalState.AwaitingApproval or ApprovalState.Rejected or ApprovalState.Cancelled;
}

/// <summary>What became of an approval decision.</summary>
public abstract record Decision
{
    /// <summary>Decided; <see cref="Outcome"/> is the Broadcaster's answer to an approved alert (null: still queued for it, or not sent at all).</summary>
    public sealed record Done(ApprovalView Approval, AlertOutcome? Outcome) : Decision;

    public sealed record NotFound(Guid AlertId) : Decision;

    public sealed record Forbidden(string Reason) : Decision;

    public sealed record Conflict(string Reason) : Decision;

    public sealed record Invalid(string Field, string Message) : Decision;
}
