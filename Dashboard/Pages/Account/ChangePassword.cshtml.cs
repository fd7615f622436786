using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Account;

/// <summary>Anyone signed in changes their own password (first of all the one-time one an Admin gave them).</summary>
public sealed class ChangePasswordModel(UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn) : PageModel
{
    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    public bool Changed { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrEmpty(CurrentPassword))
        {
            ModelState.AddModelError(nameof(CurrentPassword), "Enter your current password.");
        }

        if (string.IsNullOrEmpty(NewPassword))
        {
            ModelState.AddModelError(nameof(NewPassword), "Enter a new password of at least 10 characters.");
        }

        if (!ModelState.IsValid || await users.GetUserAsync(User) is not { } user)
        {
            return Page();
        }

        var result = await users.ChangePasswordAsync(user, CurrentPassword!, NewPassword!);
        foreach (var error in result.Errors)
        {
            ModelState.AddModelError(error.Code == "PasswordMismatch" ? nameof(CurrentPassword) : nameof(NewPassword),
                error.Code == "PasswordMismatch" ? "Your current password is not right." : error.Description);
        }

        if (result.Succeeded)
        {
            // The change renews the security stamp: sign in again here so this session goes on.
            await signIn.RefreshSignInAsync(user);
            Changed = true;
        }

        return Page();
    }
}
