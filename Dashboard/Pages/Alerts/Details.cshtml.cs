using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Identity;
using Microsoft.EntityFrameworkCore;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Alerts;

public sealed class DetailsModel(AlertsClient alerts, QueuedAlerts queue, DashboardDbContext db, SiteCatalog sites) : PageModel
{
    /// <summary>Email (and later SMS) delivery counts as Channels last reported them.</summary>
    public IReadOnlyList<DeliveryCount> Deliveries { get; private set; } = [];

    public AlertDetails? Alert { get; private set; }

    /// <summary>Set instead of <see cref="Alert"/> while the alert waits for the Broadcaster.</summary>
    public QueuedAlertView? Queued { get; private set; }

    /// <summary>What the page shows, whichever of the two it is.</summary>
    public AlertContent Shown => Alert?.Content ?? Queued!.Command.Content;

    public SiteCatalog Sites => sites;

    /// <summary>Withdrawal asks for a deliberate tick, so a stray click cannot take an alert down.</summary>
    [BindProperty]
    public bool Confirm { get; set; }

    /// <summary>Send those already emailed a short note that the alert no longer applies.</summary>
    [BindProperty]
    public bool NotifySubscribers { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
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
        return Page();
    }

    /// <summary>After "Retry failed": how many went back to the queue.</summary>
    public string? Retried { get; private set; }

    public async Task<IActionResult> OnPostRetryFailedAsync(Guid id, string channel, [FromServices] IRequestClient<RetryFailedDeliveries> retry, CancellationToken cancellationToken)
    {
        if (!AlertsApi.TryParseSendingChannel(channel, out var parsed))
        {
            return NotFound();
        }

        try
        {
            var response = await retry.GetResponse<FailedDeliveriesRetried>(new RetryFailedDeliveries(id, parsed, User.Identity?.Name ?? "unknown"), cancellationToken);
            Retried = response.Message.Retried == 1 ? "1 failed message is being sent again." : $"{response.Message.Retried} failed messages are being sent again.";
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
            var outcome = await alerts.WithdrawAsync(new WithdrawAlert(id, User.Identity?.Name ?? "unknown", NotifySubscribers), cancellationToken);
            return outcome is AlertOutcome.NotFound ? NotFound() : Redirect($"/Alerts/Details/{id}");
        }
        catch (RequestTimeoutException)
        {
            ModelState.AddModelError(nameof(Confirm), "The alert service did not answer, so the alert was not withdrawn. Try again in a moment.");
            return await OnGetAsync(id, cancellationToken);
        }
    }
}
