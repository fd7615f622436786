using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace AlertBroadcaster.Channels.Pages.Subscriptions;

/// <summary>Step one by text: the number and choices, then a code by SMS.</summary>
[AllowAnonymous]
[EnableRateLimiting(Channels.Subscriptions.SubscribeRateLimit.SmsCodePolicy)]
public sealed class SmsSubscribeModel(SmsSubscriptions sms, Channels.Subscriptions.Subscriptions subscriptions, SiteCatalog sites) : PageModel
{
    [BindProperty]
    public string? Number { get; set; }

    [BindProperty]
    public List<string> Sites { get; set; } = [];

    [BindProperty]
    public List<string> Topics { get; set; } = [];

    public List<string> Errors { get; } = [];

    public ChoicesModel Choices => new(sites, Sites, Topics);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!sms.Rules.TryNormalise(Number, out var number, out var reason))
        {
            Errors.Add(reason);
        }

        var (chosenSites, topics, choiceErrors) = subscriptions.ReadChoices(Sites, Topics);
        Errors.AddRange(choiceErrors);
        if (Errors.Count == 0)
        {
            var request = await sms.RequestCodeAsync(number, chosenSites, topics, cancellationToken);
            if (request.Reference is { } reference)
            {
                return RedirectToPage("SmsVerify", new { reference });
            }

            Errors.Add(request.Problem!);
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
