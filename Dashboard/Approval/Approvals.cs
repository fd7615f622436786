using System.Security.Claims;
using System.Text.Json;
using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.Dashboard.Identity;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Dashboard.Approval;

/// <summary>
/// The approval rule (<c>Approval:Required</c>): a signed-in author's new alert, or change to one,
/// waits here until a different person with the Approver role approves it (it is then sent on) or
/// rejects it with a comment. API keys an Admin marked as trusted, and Admins giving an audited
/// reason, publish directly.
/// </summary>
public sealed class Approvals(
    DashboardDbContext db,
    QueuedAlerts queue,
    AlertSubmission submission,
    AlertsClient alerts,
    AuditLog audit,
    TimeProvider time,
    IOptions<ApprovalOptions> options)
{
    public bool IsRequiredFor(ClaimsPrincipal user) =>
        options.Value.Required && !user.HasClaim(StaffClaims.PublishesWithoutApproval, "true");

    /// <param name="lastsFor">The end chosen as a length after the start, if it was (see <see cref="AlertApproval.LastsFor"/>).</param>
    public async Task<ApprovalView> SubmitAsync(PublishAlert command, TimeSpan? lastsFor, ClaimsPrincipal author, CancellationToken cancellationToken)
    {
        var row = NewRow(command.AlertId, command.AlertId, ApprovalKind.Publish, JsonSerializer.Serialize(command), command.RequestedBy);
        row.LastsFor = lastsFor;
        audit.Add(author, AuditActions.AlertSubmitted, command.Content.Headline, command.AlertId, after: command.Content);
        await db.SaveChangesAsync(cancellationToken);
        return View(row);
    }

    /// <summary>Holds a new revision for approval; null when one is already waiting (one change at a time).</summary>
    public async Task<ApprovalView?> SubmitUpdateAsync(UpdateAlert command, AlertContent current, ClaimsPrincipal author, CancellationToken cancellationToken)
    {
        if (await FindAwaitingAsync(command.AlertId, cancellationToken) is not null)
        {
            return null;
        }

        var row = NewRow(Guid.NewGuid(), command.AlertId, ApprovalKind.Update, JsonSerializer.Serialize(command), command.RequestedBy);
        audit.Add(author, AuditActions.AlertChangeSubmitted, command.Content.Headline, command.AlertId, before: current, after: command.Content);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another change for this alert was submitted at the same moment (the unique index on waiting requests).
            return null;
        }

        return View(row);
    }

    /// <summary>Records an Admin's urgent publish (with the reason) before the alert is sent.</summary>
    public async Task RecordUrgentAsync(PublishAlert command, ClaimsPrincipal admin, string reason)
    {
        var row = NewRow(command.AlertId, command.AlertId, ApprovalKind.Publish, JsonSerializer.Serialize(command), command.RequestedBy);
        row.State = ApprovalState.PublishedUrgently;
        row.DecidedBy = AuditLog.ActorOf(admin);
        row.DecidedAt = row.SubmittedAt;
        row.Comment = reason;
        audit.Add(admin, AuditActions.AlertPublishedUrgently, $"{command.Content.Headline} — reason: {reason}", command.AlertId, after: command.Content);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>The approval record of a new alert (not of its changes).</summary>
    public async Task<ApprovalView?> FindAsync(Guid alertId, CancellationToken cancellationToken) =>
        await db.AlertApprovals.AsNoTracking().FirstOrDefaultAsync(a => a.AlertId == alertId && a.Kind == ApprovalKind.Publish, cancellationToken) is { } row
            ? View(row)
            : null;

    /// <summary>Whatever of this alert waits for approval: the alert itself, or a change to it.</summary>
    public async Task<ApprovalView?> FindAwaitingAsync(Guid alertId, CancellationToken cancellationToken) =>
        await db.AlertApprovals.AsNoTracking().FirstOrDefaultAsync(a => a.AlertId == alertId && a.State == ApprovalState.AwaitingApproval, cancellationToken) is { } row
            ? View(row)
            : null;

    /// <summary>How long a new alert sent back stays on the alert list for its author to see.</summary>
    public static readonly TimeSpan RejectedShownFor = TimeSpan.FromDays(7);

    /// <summary>
    /// New alerts and changes waiting for approval, and new alerts sent back in the last week,
    /// oldest first (a handful; sorted here, as SQLite cannot order instants). A change sent back
    /// shows on its alert's page instead.
    /// </summary>
    public async Task<IReadOnlyList<ApprovalView>> ListOpenAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - RejectedShownFor;
        return (await db.AlertApprovals.AsNoTracking()
                .Where(a => a.State == ApprovalState.AwaitingApproval || (a.State == ApprovalState.Rejected && a.Kind == ApprovalKind.Publish))
                .ToListAsync(cancellationToken))
            .Select(View)
            .Where(a => a.State == ApprovalState.AwaitingApproval || a.DecidedAt >= since)
            .OrderBy(a => a.SubmittedAt)
            .ToList();
    }

    /// <summary>The newest change to this alert that was sent back, if the newest change was.</summary>
    public async Task<ApprovalView?> FindRejectedChangeAsync(Guid alertId, CancellationToken cancellationToken)
    {
        var changes = (await db.AlertApprovals.AsNoTracking().Where(a => a.AlertId == alertId && a.Kind == ApprovalKind.Update).ToListAsync(cancellationToken))
            .Select(View).OrderByDescending(a => a.SubmittedAt).ToList();
        return changes.FirstOrDefault() is { State: ApprovalState.Rejected } latest ? latest : null;
    }

    /// <summary>
    /// Approves what waits for this alert and sends it on. A new alert's approval and its place in
    /// the Dashboard's outbox are saved together, so it reaches the Broadcaster even if this
    /// process stops straight after; it is then sent at once. A change is sent straight to the
    /// Broadcaster, once: if it does not answer, the approval stands and the approver is asked to
    /// check the revision (sending it again could notify subscribers twice).
    /// </summary>
    /// <param name="requestId">
    /// The request the approver looked at (<see cref="ApprovalView.RowId"/>): if what waits now is
    /// another (the change was dropped and a new one submitted meanwhile), nothing is approved.
    /// </param>
    public async Task<Decision> ApproveAsync(Guid alertId, Guid? requestId, ClaimsPrincipal approver, string? comment, CancellationToken cancellationToken)
    {
        var (row, refusal) = await CheckDeciderAsync(alertId, requestId, approver, cancellationToken);
        if (row is null)
        {
            return refusal!;
        }

        var now = time.GetUtcNow();
        var summary = string.IsNullOrWhiteSpace(comment) ? row.Content.Headline : $"{row.Content.Headline} — {comment.Trim()}";
        if (row.Kind == ApprovalKind.Update)
        {
            return await ApproveUpdateAsync(row, approver, comment, summary, now, cancellationToken);
        }

        var stored = JsonSerializer.Deserialize<PublishAlert>(row.Command)!;
        // "Starts now" meant when approved: a start already past becomes the moment of approval,
        // and an end chosen as a length ("24 hours after it starts") moves with it.
        var start = stored.Content.EffectiveFrom < now ? now : stored.Content.EffectiveFrom;
        var command = stored with
        {
            Content = stored.Content with { EffectiveFrom = start, ExpiresAt = row.LastsFor is { } length ? start + length : stored.Content.ExpiresAt },
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (!await DecideAsync(row.RowId, ApprovalState.Approved, approver, comment, now, cancellationToken))
            {
                return AlreadyDecided();
            }

            queue.Enqueue(command);
            audit.Add(approver, AuditActions.AlertApproved, summary, alertId);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var outcome = await submission.SendQueuedNowAsync(command, cancellationToken);
        return new Decision.Done((await FindAsync(alertId, cancellationToken))!, outcome);
    }

    private async Task<Decision> ApproveUpdateAsync(ApprovalView row, ClaimsPrincipal approver, string? comment, string summary, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!await DecideAsync(row.RowId, ApprovalState.Approved, approver, comment, now, cancellationToken))
        {
            return AlreadyDecided();
        }

        await audit.RecordAsync(approver, AuditActions.AlertChangeApproved, summary, row.Id);
        var command = JsonSerializer.Deserialize<UpdateAlert>(row.Command)!;
        AlertOutcome outcome;
        try
        {
            // Not cancelled with the request: once approved, the change is sent even if the approver's browser goes away.
            outcome = await alerts.UpdateAsync(command, CancellationToken.None);
        }
        catch (RequestTimeoutException)
        {
            // It may or may not have been applied, and a change sent twice would notify subscribers
            // twice: the approval stands, and the page asks to check the alert's revision.
            return new Decision.Unavailable();
        }

        if (outcome is AlertOutcome.Rejected rejected)
        {
            var reasons = string.Join(" ", rejected.Errors.Values.SelectMany(m => m));
            await SetStateAsync(row.RowId, ApprovalState.Rejected, AuditLog.ActorOf(approver), now, $"Approved, but the alert service refused the change: {reasons}");
            await audit.RecordAsync(approver, AuditActions.AlertChangeRejected, $"{row.Content.Headline} — refused by the alert service: {reasons}", row.Id);
        }

        return new Decision.Done(View(await db.AlertApprovals.AsNoTracking().FirstAsync(a => a.Id == row.RowId, cancellationToken)), outcome);
    }

    public async Task<Decision> RejectAsync(Guid alertId, Guid? requestId, ClaimsPrincipal approver, string? comment, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(comment))
        {
            return new Decision.Invalid("comment", "Say why it is rejected, so its author can put it right.");
        }

        var (row, refusal) = await CheckDeciderAsync(alertId, requestId, approver, cancellationToken);
        if (row is null)
        {
            return refusal!;
        }

        if (!await DecideAsync(row.RowId, ApprovalState.Rejected, approver, comment, time.GetUtcNow(), cancellationToken))
        {
            return AlreadyDecided();
        }

        await audit.RecordAsync(approver, row.Kind == ApprovalKind.Update ? AuditActions.AlertChangeRejected : AuditActions.AlertRejected,
            $"{row.Content.Headline} — {comment.Trim()}", alertId);
        return new Decision.Done(View(await db.AlertApprovals.AsNoTracking().FirstAsync(a => a.Id == row.RowId, cancellationToken)), null);
    }

    /// <summary>
    /// Withdraws what nobody has approved yet: a new alert is never sent; a proposed change is
    /// dropped and the alert stays as it is. Anyone on the staff may (the author changing their mind, most often).
    /// </summary>
    public async Task<Decision> CancelAsync(Guid alertId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (await FindAwaitingAsync(alertId, cancellationToken) is not { } row
            || !await DecideAsync(row.RowId, ApprovalState.Cancelled, user, null, time.GetUtcNow(), cancellationToken))
        {
            return AlreadyDecided();
        }

        await audit.RecordAsync(user, AuditActions.AlertCancelled, row.Kind == ApprovalKind.Update ? $"Change to {row.Content.Headline}" : row.Content.Headline, alertId);
        return new Decision.Done(View(await db.AlertApprovals.AsNoTracking().FirstAsync(a => a.Id == row.RowId, cancellationToken)), null);
    }

    /// <summary>What waits for <paramref name="decider"/> to decide, or why they may not.</summary>
    private async Task<(ApprovalView? Row, Decision? Refusal)> CheckDeciderAsync(Guid alertId, Guid? requestId, ClaimsPrincipal decider, CancellationToken cancellationToken)
    {
        if (await FindAwaitingAsync(alertId, cancellationToken) is not { } awaiting)
        {
            return (null, await db.AlertApprovals.AnyAsync(a => a.AlertId == alertId, cancellationToken) ? AlreadyDecided() : new Decision.NotFound(alertId));
        }

        if (requestId is { } seen && seen != awaiting.RowId)
        {
            return (null, new Decision.Conflict("What is waiting for approval is no longer what you looked at: it was withdrawn and something else submitted. Refresh and check it again."));
        }

        if (string.Equals(awaiting.SubmittedBy, AuditLog.ActorOf(decider), StringComparison.OrdinalIgnoreCase))
        {
            return (null, new Decision.Forbidden("You cannot approve or reject your own alert or change: someone else with the Approver role must."));
        }

        if (!decider.IsInRole(Roles.Approver))
        {
            return (null, new Decision.Forbidden("Only someone with the Approver role can approve or reject alerts."));
        }

        return (awaiting, null);
    }

    /// <summary>Moves one request out of AwaitingApproval, once: of two people deciding at the same moment, one wins.</summary>
    private async Task<bool> DecideAsync(Guid rowId, ApprovalState state, ClaimsPrincipal decider, string? comment, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var actor = AuditLog.ActorOf(decider);
        var note = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        return await db.AlertApprovals
            .Where(a => a.Id == rowId && a.State == ApprovalState.AwaitingApproval)
            .ExecuteUpdateAsync(set => set
                .SetProperty(a => a.State, state)
                .SetProperty(a => a.DecidedBy, actor)
                .SetProperty(a => a.DecidedAt, at)
                .SetProperty(a => a.Comment, note), cancellationToken) == 1;
    }

    private Task SetStateAsync(Guid rowId, ApprovalState state, string? decidedBy, DateTimeOffset? at, string? comment) =>
        db.AlertApprovals.Where(a => a.Id == rowId).ExecuteUpdateAsync(set => set
            .SetProperty(a => a.State, state)
            .SetProperty(a => a.DecidedBy, decidedBy)
            .SetProperty(a => a.DecidedAt, at)
            .SetProperty(a => a.Comment, comment), CancellationToken.None);

    private AlertApproval NewRow(Guid id, Guid alertId, ApprovalKind kind, string command, string submittedBy)
    {
        var row = new AlertApproval
        {
            Id = id,
            AlertId = alertId,
            Kind = kind,
            Command = command,
            SubmittedBy = submittedBy,
            SubmittedAt = time.GetUtcNow(),
            State = ApprovalState.AwaitingApproval,
        };
        db.AlertApprovals.Add(row);
        return row;
    }

    private static Decision.Conflict AlreadyDecided() => new("Nothing of this alert is waiting for approval now: refresh to see what happened to it.");

    private static ApprovalView View(AlertApproval row)
    {
        var content = (row.Kind == ApprovalKind.Update
            ? JsonSerializer.Deserialize<UpdateAlert>(row.Command)?.Content
            : JsonSerializer.Deserialize<PublishAlert>(row.Command)?.Content) ?? throw new InvalidDataException($"Approval {row.Id} has no command.");
        return new ApprovalView(row.Id, row.AlertId, row.Kind, row.Command, content, row.SubmittedBy, row.SubmittedAt, row.State, row.DecidedBy, row.DecidedAt, row.Comment, row.LastsFor);
    }
}

/// <summary>A new alert's or a change's approval record as staff see it; <see cref="Id"/> is the alert's id.</summary>
public sealed record ApprovalView(
    Guid RowId,
    Guid Id,
    ApprovalKind Kind,
    string Command,
    AlertContent Content,
    string SubmittedBy,
    DateTimeOffset SubmittedAt,
    ApprovalState State,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Comment,
    TimeSpan? LastsFor = null)
{
    /// <summary>A new alert still only here (waiting, sent back or cancelled): the Broadcaster has never had it.</summary>
    public bool HeldHere => Kind == ApprovalKind.Publish && State is ApprovalState.AwaitingApproval or ApprovalState.Rejected or ApprovalState.Cancelled;
}

/// <summary>What became of an approval decision.</summary>
public abstract record Decision
{
    /// <summary>Decided; <see cref="Outcome"/> is the Broadcaster's answer to an approved alert or change (null: still queued for it, or not sent at all).</summary>
    public sealed record Done(ApprovalView Approval, AlertOutcome? Outcome) : Decision;

    public sealed record NotFound(Guid AlertId) : Decision;

    public sealed record Forbidden(string Reason) : Decision;

    public sealed record Conflict(string Reason) : Decision;

    public sealed record Invalid(string Field, string Message) : Decision;

    /// <summary>The Broadcaster did not answer; nothing changed.</summary>
    public sealed record Unavailable : Decision;
}
