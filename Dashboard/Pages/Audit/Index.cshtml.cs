using System.Text;
using AlertBroadcaster.Dashboard.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Audit;

/// <summary>The audit log (Admins and Approvers): filter by who, what, which alert and when (UK dates); download as CSV.</summary>
public sealed class IndexModel(AuditLog audit) : PageModel
{
    /// <summary>The page shows the newest entries; the CSV holds up to this many.</summary>
    public const int PageSize = 200;
    public const int CsvLimit = 100_000;

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? AlertId { get; set; }

    /// <summary>From the start of this UK day.</summary>
    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    /// <summary>To the end of this UK day.</summary>
    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public string CsvQuery => QueryString.Create(new Dictionary<string, string?>
    {
        ["handler"] = "Csv",
        ["Actor"] = Actor,
        ["Action"] = Action,
        ["AlertId"] = AlertId?.ToString(),
        ["From"] = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["To"] = To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToString();

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Entries = ModelState.IsValid ? await audit.FindAsync(Filter(), PageSize, cancellationToken) : [];

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return BadRequest("The filters are not valid: dates are yyyy-mm-dd, the alert is its id.");
        }

        var entries = await audit.FindAsync(Filter(), CsvLimit, cancellationToken);
        return File(Encoding.UTF8.GetBytes(AuditCsv.Write(entries)), "text/csv; charset=utf-8", "audit-log.csv");
    }

    private AuditFilter Filter() => new(
        Actor,
        Action,
        AlertId,
        From is { } from ? LondonTime.StartOfDay(from) : null,
        To is { } to ? LondonTime.StartOfDay(to.AddDays(1)) : null);
}
