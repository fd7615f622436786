using AlertBroadcaster.Channels.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Channels.Pages.Subscriptions;

/// <summary>
/// The unsubscribe link. GET shows a button (link scanners must not unsubscribe anyone); POST
/// unsubscribes, from the button or as the RFC 8058 one-click POST a mail client sends to the
/// <c>List-Unsubscribe</c> URL. No anti-forgery token: the signed token in the URL is the proof,
/// and a mail client cannot send one.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class UnsubscribeModel(Channels.Subscriptions.Subscriptions subscriptions, SubscriberTokens tokens) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public bool Valid { get; private set; }

    public bool Done { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Valid = await tokens.ReadManageTokenAsync(Token, cancellationToken) is not null;
        if (!Valid)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        if (await tokens.ReadManageTokenAsync(Token, cancellationToken) is not { } id)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await subscriptions.UnsubscribeAsync(id, cancellationToken);
        Valid = Done = true;
    }
}
