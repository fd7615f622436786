using AlertBroadcaster.Channels.Subscriptions;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Channels.Pages.Subscriptions;

/// <summary>Preferences, reached by the signed link in every email.</summary>
[AllowAnonymous]
public sealed class ManageModel(Channels.Subscriptions.Subscriptions subscriptions, SubscriberTokens tokens, SiteCatalog sites) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public List<string> Sites { get; set; } = [];

    [BindProperty]
    public List<string> Topics { get; set; } = [];

    public Subscriber? Subscriber { get; private set; }

    public bool Saved { get; private set; }

    public List<string> Errors { get; } = [];

    public ChoicesModel Choices => new(sites, Sites, Topics);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFoundPage();
        }

        Sites = [.. Subscriber!.SiteList];
        Topics = Subscriber.TopicList.Select(t => t.ToString()).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFoundPage();
        }

        var (chosenSites, topics, errors) = subscriptions.ReadChoices(Sites, Topics);
        if (errors.Count > 0)
        {
            Errors.AddRange(errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        await subscriptions.UpdatePreferencesAsync(Subscriber!.Id, chosenSites, topics, cancellationToken);
        Saved = true;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken) =>
        await tokens.ReadManageTokenAsync(Token, cancellationToken) is { } id
        && (Subscriber = await subscriptions.FindAsync(id, cancellationToken)) is not null;

    private PageResult NotFoundPage()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
