using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Approval;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages;

/// <summary>The alert list: held for approval, queued, then the Broadcaster's newest first; filtered by status, site and kind.</summary>
public sealed class IndexModel(AlertsClient alerts, QueuedAlerts queue, Approvals approvals, SiteCatalog sites) : PageModel
{
    /// <summary>The statuses a filter can choose, in the order an alert goes through them.</summary>
    public static readonly string[] Statuses = ["AwaitingApproval", "Rejected", "Queued", "Scheduled", "Live", "Expired", "Withdrawn", "Cancelled", "Refused"];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Site { get; set; }

    [BindProperty(SupportsGet = true)]
    public AlertKind? Kind { get; set; }

    public SiteCatalog Sites => sites;

    public bool Filtered => Status is { Length: > 0 } || Site is { Length: > 0 } || Kind is not null;

    /// <summary>New alerts waiting for a second person, or sent back to their authors.</summary>
    public IReadOnlyList<ApprovalView> Held { get; private set; } = [];

    /// <summary>New alerts waiting for the alert service (or refused by it).</summary>
    public IReadOnlyList<QueuedAlertView> Queued { get; private set; } = [];

    public IReadOnlyList<AlertDetails> Alerts { get; private set; } = [];

    public bool Unavailable { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Held = (await approvals.ListOpenAsync(cancellationToken)).Where(h => Matches(h.State.ToString(), h.Content)).ToList();
        Queued = (await queue.ListAsync(cancellationToken)).Where(q => Matches(q.Status, q.Command.Content)).ToList();
        try
        {
            Alerts = (await alerts.ListAsync(200, cancellationToken)).Where(a => Matches(a.Status.ToString(), a.Content)).ToList();
        }
        catch (RequestTimeoutException)
        {
            Unavailable = true;
        }
    }

    /// <summary>An alert for every site counts as being at each site.</summary>
    private bool Matches(string status, AlertContent content) =>
        (Status is not { Length: > 0 } || string.Equals(status, Status, StringComparison.OrdinalIgnoreCase))
        && (Site is not { Length: > 0 } || content.Sites.Count == 0 || content.Sites.Contains(Site))
        && (Kind is null || content.Kind == Kind);
}
