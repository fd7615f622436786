using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Approval;
using MassTransit;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages;

public sealed class IndexModel(AlertsClient alerts, QueuedAlerts queue, Approvals approvals) : PageModel
{
    /// <summary>New alerts waiting for a second person, or sent back to their authors.</summary>
    public IReadOnlyList<ApprovalView> Held { get; private set; } = [];

    /// <summary>New alerts waiting for the alert service (or refused by it).</summary>
    public IReadOnlyList<QueuedAlertView> Queued { get; private set; } = [];

    public IReadOnlyList<AlertDetails> Alerts { get; private set; } = [];

    public bool Unavailable { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Held = await approvals.ListOpenAsync(cancellationToken);
        Queued = await queue.ListAsync(cancellationToken);
        try
        {
            Alerts = await alerts.ListAsync(200, cancellationToken);
        }
        catch (RequestTimeoutException)
        {
            Unavailable = true;
        }
    }
}
