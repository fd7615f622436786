using AlertBroadcaster.Dashboard.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Admin.Users;

/// <summary>Staff accounts (Admins only): who has which roles, and adding someone.</summary>
public sealed class IndexModel(StaffUsers staff) : PageModel
{
    public IReadOnlyList<StaffUser> Users { get; private set; } = [];

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [Identity.Roles.Author];

    /// <summary>After adding someone: their account and one-time password, shown this once.</summary>
    public (StaffUser User, string Password)? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Users = await staff.ListAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Email) || !Email.Contains('@'))
        {
            ModelState.AddModelError(nameof(Email), "Enter their work email address, like name@ouh.nhs.uk.");
        }
        else
        {
            var (user, password, errors) = await staff.CreateAsync(Email, Roles, User);
            foreach (var error in errors)
            {
                ModelState.AddModelError(error.Contains("role", StringComparison.OrdinalIgnoreCase) ? nameof(Roles) : nameof(Email), error);
            }

            if (user is not null)
            {
                Created = (user, password!);
                Email = null;
                Roles = [Identity.Roles.Author];
            }
        }

        await OnGetAsync(cancellationToken);
        return Page();
    }
}
