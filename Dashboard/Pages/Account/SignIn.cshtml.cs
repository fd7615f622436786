using AlertBroadcaster.Dashboard.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace AlertBroadcaster.Dashboard.Pages.Account;

[EnableRateLimiting(SignInRateLimit.Policy)]
public sealed class SignInModel(SignInManager<IdentityUser> signIn, ILogger<SignInModel> logger) : PageModel
{
    [BindProperty]
    public string Email { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError(nameof(Email), "Enter your email address and password.");
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(Email.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        }

        if (result.IsLockedOut)
        {
            logger.LogWarning("Sign-in refused: account locked out");
            ModelState.AddModelError(nameof(Email), "Too many failed attempts. Try again in 15 minutes, or ask an administrator.");
            return Page();
        }

        ModelState.AddModelError(nameof(Email), "The email address or password is not right.");
        return Page();
    }
}
