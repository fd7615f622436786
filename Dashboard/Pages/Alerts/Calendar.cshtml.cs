using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Approval;
using MassTransit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Alerts;

/// <summary>What is on, day by day (UK days), for two weeks from a date: live, scheduled and awaiting approval.</summary>
public sealed class CalendarModel(AlertsClient alerts, Approvals approvals, TimeProvider time) : PageModel
{
    public const int Days = 14;

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    public DateOnly Start { get; private set; }

    /// <summary>Each day and the alerts in effect at some time in it, earliest start first.</summary>
    public IReadOnlyList<(DateOnly Day, IReadOnlyList<CalendarEntry> Entries)> Calendar { get; private set; } = [];

    public bool Unavailable { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Start = From ?? DateOnly.FromDateTime(LondonTime.ToLondon(time.GetUtcNow()).DateTime);
        var entries = (await approvals.ListOpenAsync(cancellationToken))
            .Where(h => h.State == ApprovalState.AwaitingApproval)
            .Select(h => new CalendarEntry(h.Id, h.Content, "AwaitingApproval"))
            .ToList();
        try
        {
            entries.AddRange((await alerts.ListAsync(200, cancellationToken))
                .Where(a => a.Status is AlertStatus.Live or AlertStatus.Scheduled)
                .Select(a => new CalendarEntry(a.Id, a.Content, a.Status.ToString())));
        }
        catch (RequestTimeoutException)
        {
            Unavailable = true;
        }

        Calendar = Enumerable.Range(0, Days).Select(offset =>
        {
            var day = Start.AddDays(offset);
            var (from, to) = (LondonTime.StartOfDay(day), LondonTime.StartOfDay(day.AddDays(1)));
            IReadOnlyList<CalendarEntry> onThatDay = entries
                .Where(e => e.Content.EffectiveFrom < to && (e.Content.ExpiresAt is not { } end || end > from))
                .OrderBy(e => e.Content.EffectiveFrom)
                .ToList();
            return (day, onThatDay);
        }).ToList();
    }
}

public sealed record CalendarEntry(Guid Id, AlertContent Content, string Status);
