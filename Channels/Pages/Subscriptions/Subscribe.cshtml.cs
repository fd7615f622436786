using AlertBroadcaster.ServiceDefaults;
using AlertBroadcaster.Channels.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Channels.Pages.Subscriptions;

/// <summary>Step one of the double opt-in: the address and choices, then a confirmation link by email.</summary>
[AllowAnonymous]
[EnableRateLimiting(SubscribeRateLimit.Policy)]
public sealed class SubscribeModel(Channels.Subscriptions.Subscriptions subscriptions, SiteCatalog sites) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public List<string> Sites { get; set; } = [];

    [BindProperty]
    public List<string> Topics { get; set; } = [];

    public List<string> Errors { get; } = [];

    public bool Sent { get; private set; }

    public ChoicesModel Choices => new(sites, Sites, Topics);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!Channels.Subscriptions.Subscriptions.TryNormaliseEmail(Email, out var address, out var error))
        {
            Errors.Add(error);
        }

        var (chosenSites, topics, choiceErrors) = subscriptions.ReadChoices(Sites, Topics);
        Errors.AddRange(choiceErrors);
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        await subscriptions.SubscribeByEmailAsync(address, chosenSites, topics, cancellationToken);
        Email = address;
        Sent = true;
        return Page();
    }
}
