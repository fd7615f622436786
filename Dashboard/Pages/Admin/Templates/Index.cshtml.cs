using AlertBroadcaster.Dashboard.Alerts;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Admin.Templates;

/// <summary>The templates authors start from (Admins only).</summary>
public sealed class IndexModel(AlertTemplates templates) : PageModel
{
    public IReadOnlyList<AlertTemplate> Templates { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Templates = await templates.ListAsync(cancellationToken);
}
