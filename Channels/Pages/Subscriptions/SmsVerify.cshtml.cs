using AlertBroadcaster.Channels.Sms;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Channels.Pages.Subscriptions;

/// <summary>Step two by text: the 6-digit code → subscribed.</summary>
[AllowAnonymous]
public sealed class SmsVerifyModel(SmsSubscriptions sms) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Reference { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    /// <summary>"number ending 123", so the person knows where to look; never the whole number.</summary>
    public string? Number { get; private set; }

    public VerifyResult? Result { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var verification = await sms.FindAsync(Reference, cancellationToken);
        if (verification is null)
        {
            Result = VerifyResult.Unknown;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        Number = PhoneNumberRules.Masked(verification.Number);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var verification = await sms.FindAsync(Reference, cancellationToken);
        Number = verification is null ? null : PhoneNumberRules.Masked(verification.Number);
        var result = await sms.VerifyAsync(Reference, Code, cancellationToken);
        if (result == VerifyResult.WrongCode)
        {
            Error = "The code is not right. Check the last text message we sent and enter its 6 digits.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Result = result;
        if (result != VerifyResult.Verified)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }
}
