using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Channels.Pages.Demo;

/// <summary>
/// <c>/demo</c>: a page laid out like one of the trust's web pages, embedding banner.js, for trying the
/// banner by hand. <c>?site=</c>, <c>?path=</c> and <c>?interval=</c> choose what the banner asks for.
/// </summary>
[AllowAnonymous]
public sealed class IndexModel(SiteCatalog sites) : PageModel
{
    public const string DefaultSite = "genomic-medicine-centre";
    public const string DefaultPath = "/100000-genomes-project";

    [BindProperty(SupportsGet = true)]
    public string? Site { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Path { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Interval { get; set; } = 10;

    public IReadOnlyList<Site> Sites => sites.All;

    public string SiteName => sites.NameOf(Site!);

    public string? Problem { get; private set; }

    public void OnGet()
    {
        if (Site is null || !sites.Contains(Site))
        {
            Problem = Site is null ? null : $"There is no site called '{Site}', so this shows {sites.NameOf(DefaultSite)}.";
            Site = sites.Contains(DefaultSite) ? DefaultSite : sites.All[0].Slug;
        }

        if (string.IsNullOrWhiteSpace(Path) || Path[0] != '/')
        {
            Path = DefaultPath;
        }

        Interval = Math.Clamp(Interval, 10, 3600);
    }
}
