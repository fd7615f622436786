using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Approval;
using AlertBroadcaster.Dashboard.Identity;
using Microsoft.EntityFrameworkCore;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Alerts;

public sealed class DetailsModel(AlertsClient alerts, QueuedAlerts queue, Approvals approvals, AlertAuthoring authoring, DashboardDbContext db, SiteCatalog sites) : PageModel
{
    /// <summary>Email (and later SMS) delivery counts as Channels last reported them.</summary>
    public IReadOnlyList<DeliveryCount> Deliveries { get; private set; } = [];

    public AlertDetails? Alert { get; private set; }

    /// <summary>Set instead of <see cref="Alert"/> while the alert waits for the Broadcaster.</summary>
    public QueuedAlertView? Queued { get; private set; }

    /// <summary>Its approval record, if approval was involved; while <see cref="ApprovalView.HeldHere"/> the page shows only this.</summary>
    public ApprovalView? Approval { get; private set; }

    /// <summary>What the page shows, whichever of the three it is.</summary>
    public AlertContent Shown => Alert?.Content ?? Queued?.Command.Content ?? Approval!.Content;

    public Guid Id => Alert?.Id ?? Queued?.Id ?? Approval!.Id;

    /// <summary>A change to this published alert, waiting for approval.</summary>
    public ApprovalView? PendingChange { get; private set; }

    /// <summary>What the pending change changes.</summary>
    public IReadOnlyList<RevisionDiff.Change> PendingDiff =>
        PendingChange is { } change && Alert is { } alert ? RevisionDiff.Between(alert.Content, change.Content, sites) : [];

    /// <summary>What waits for approval: the new alert itself, or a change to it.</summary>
    public ApprovalView? Awaiting => Approval is { State: ApprovalState.AwaitingApproval } approval ? approval : PendingChange;

    /// <summary>An Approver who did not write it, while it waits.</summary>
    public bool CanDecide => Awaiting is { } awaiting
        && User.IsInRole(Identity.Roles.Approver)
        && !string.Equals(awaiting.SubmittedBy, User.Identity?.Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>The approver's comment (required to reject).</summary>
    [BindProperty]
    public string? Comment { get; set; }

    /// <summary>The request the approver read (so a different one submitted meanwhile is not approved unseen).</summary>
    [BindProperty]
    public Guid? RequestId { get; set; }

    /// <summary>The newest change to this alert, if it was sent back: its author should see why.</summary>
    public ApprovalView? RejectedChange { get; private set; }

    public SiteCatalog Sites => sites;

    /// <summary>Withdrawal asks for a deliberate tick, so a stray click cannot take an alert down.</summary>
    [BindProperty]
    public bool Confirm { get; set; }

    /// <summary>Send those already emailed a short note that the alert no longer applies.</summary>
    [BindProperty]
    public bool NotifySubscribers { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Approval = await approvals.FindAsync(id, cancellationToken);
        if (Approval is { HeldHere: true })
        {
            return Page();
        }

        Queued = await queue.FindAsync(id, cancellationToken);
        if (Queued is not null)
        {
            return Page();
        }

        try
        {
            Alert = await alerts.GetAsync(id, cancellationToken);
        }
        catch (RequestTimeoutException)
        {
            return StatusCode(StatusCodes.Status503ServiceUnavailable, "The alert service did not answer. Refresh the page in a moment.");
        }

        if (Alert is null)
        {
            return NotFound();
        }

        Deliveries = await db.DeliveryCounts.AsNoTracking().Where(d => d.AlertId == id).ToListAsync(cancellationToken);
        PendingChange = await approvals.FindAwaitingAsync(id, cancellationToken) is { Kind: ApprovalKind.Update } change ? change : null;
        RejectedChange = PendingChange is null ? await approvals.FindRejectedChangeAsync(id, cancellationToken) : null;
        return Page();
    }

    /// <summary>After "Retry failed": how many went back to the queue.</summary>
    public string? Retried { get; private set; }

    public async Task<IActionResult> OnPostRetryFailedAsync(Guid id, string channel, CancellationToken cancellationToken)
    {
        if (!AlertsApi.TryParseSendingChannel(channel, out var parsed))
        {
            return NotFound();
        }

        try
        {
            var retried = await authoring.RetryFailedAsync(id, parsed, User, cancellationToken);
            Retried = retried == 1 ? "1 failed message is being sent again." : $"{retried} failed messages are being sent again.";
        }
        catch (RequestTimeoutException)
        {
            Retried = "The delivery service did not answer. Try again in a moment.";
        }

        return await OnGetAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), "Tick the box to confirm you want to withdraw this alert.");
            return await OnGetAsync(id, cancellationToken);
        }

        try
        {
            var withdrawn = await authoring.WithdrawAsync(id, User, NotifySubscribers, cancellationToken);
            return withdrawn is Withdrawn.ByBroadcaster { Outcome: AlertOutcome.NotFound } ? NotFound() : Redirect($"/Alerts/Details/{id}");
        }
        catch (RequestTimeoutException)
        {
            ModelState.AddModelError(nameof(Confirm), "The alert service did not answer, so the alert was not withdrawn. Try again in a moment.");
            return await OnGetAsync(id, cancellationToken);
        }
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken cancellationToken) =>
        await DecidedAsync(id, await approvals.ApproveAsync(id, RequestId, User, Comment, cancellationToken), cancellationToken);

    /// <summary>Drops a change nobody has approved; the alert stays as it is.</summary>
    public async Task<IActionResult> OnPostCancelChangeAsync(Guid id, CancellationToken cancellationToken) =>
        await DecidedAsync(id, await approvals.CancelAsync(id, User, cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostRejectAsync(Guid id, CancellationToken cancellationToken) =>
        await DecidedAsync(id, await approvals.RejectAsync(id, RequestId, User, Comment, cancellationToken), cancellationToken);

    private async Task<IActionResult> DecidedAsync(Guid id, Decision decision, CancellationToken cancellationToken)
    {
        switch (decision)
        {
            case Decision.Done:
                return Redirect($"/Alerts/Details/{id}");
            case Decision.NotFound:
                return NotFound();
            case Decision.Forbidden f:
                ModelState.AddModelError(nameof(Comment), f.Reason);
                break;
            case Decision.Conflict c:
                ModelState.AddModelError(nameof(Comment), c.Reason);
                break;
            case Decision.Invalid i:
                ModelState.AddModelError(nameof(Comment), i.Message);
                break;
            case Decision.Unavailable:
                ModelState.AddModelError(nameof(Comment), "Approved, but the alert service did not answer in time. Refresh in a moment: if the revision has not gone up, ask the author to submit the change again.");
                break;
        }

        return await OnGetAsync(id, cancellationToken);
    }
}
