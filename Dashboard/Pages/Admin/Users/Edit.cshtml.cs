using AlertBroadcaster.Dashboard.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Admin.Users;

/// <summary>One staff account: roles, lock, password reset (Admins only).</summary>
public sealed class EditModel(StaffUsers staff) : PageModel
{
    public StaffUser? Account { get; private set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    /// <summary>What was done, or the new one-time password, shown this once.</summary>
    public string? Done { get; private set; }

    public string? NewPassword { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        Account = await staff.FindAsync(id);
        if (Account is null)
        {
            return NotFound();
        }

        if (Request.Method == HttpMethods.Get || ModelState.IsValid)
        {
            Roles = [.. Account.Roles];
        }

        return Page();
    }

    public Task<IActionResult> OnPostRolesAsync(string id) =>
        ChangedAsync(id, staff.SetRolesAsync(id, Roles, User), "Roles saved.");

    public Task<IActionResult> OnPostLockAsync(string id) =>
        ChangedAsync(id, staff.SetLockedAsync(id, locked: true, User), "Account locked: they cannot sign in, and are signed out of the Dashboard.");

    public Task<IActionResult> OnPostUnlockAsync(string id) =>
        ChangedAsync(id, staff.SetLockedAsync(id, locked: false, User), "Account unlocked.");

    public async Task<IActionResult> OnPostResetPasswordAsync(string id)
    {
        var (password, errors) = await staff.ResetPasswordAsync(id, User);
        NewPassword = password;
        return await ChangedAsync(id, Task.FromResult(errors), password is null ? "" : "Password reset.");
    }

    private async Task<IActionResult> ChangedAsync(string id, Task<IReadOnlyList<string>> change, string done)
    {
        var errors = await change;
        foreach (var error in errors)
        {
            ModelState.AddModelError(nameof(Roles), error);
        }

        Done = errors.Count == 0 ? done : null;
        return await OnGetAsync(id);
    }
}
