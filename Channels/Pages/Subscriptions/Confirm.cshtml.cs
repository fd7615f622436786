using AlertBroadcaster.Channels.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Channels.Pages.Subscriptions;

/// <summary>
/// Step two: the link from the email. Confirming takes a button press, not the GET itself, so a
/// mail scanner that opens every link cannot subscribe someone.
/// </summary>
[AllowAnonymous]
public sealed class ConfirmModel(Channels.Subscriptions.Subscriptions subscriptions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public ConfirmationResult? Result { get; private set; }

    public void OnGet()
    {
        if (string.IsNullOrEmpty(Token))
        {
            Result = ConfirmationResult.Invalid;
        }
    }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        Result = await subscriptions.ConfirmAsync(Token, cancellationToken);
        if (Result != ConfirmationResult.Confirmed)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
