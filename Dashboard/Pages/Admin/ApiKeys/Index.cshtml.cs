using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.Dashboard.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Dashboard.Pages.Admin.ApiKeys;

/// <summary>API keys for scripts and other systems (Admins only): made here, shown once, stored hashed, revoked here.</summary>
public sealed class IndexModel(DashboardDbContext db, AuditLog audit, TimeProvider time) : PageModel
{
    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public bool PublishesWithoutApproval { get; set; }

    /// <summary>The key just made, shown this once.</summary>
    public string? NewKey { get; private set; }

    public string? Done { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        // Newest first; sorted here, as SQLite cannot order instants.
        Keys = (await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken)).OrderByDescending(k => k.CreatedAt).ToList();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var name = Name?.Trim() ?? "";
        if (name.Length is 0 or > 80)
        {
            ModelState.AddModelError(nameof(Name), "Say what the key is for, in up to 80 characters, like \"CRM nightly subscriber import\".");
        }
        else if (await db.ApiKeys.AnyAsync(k => k.Name == name && k.RevokedAt == null, cancellationToken))
        {
            ModelState.AddModelError(nameof(Name), "A key with that name is in use: choose another name, or revoke the old key first.");
        }
        else
        {
            var secret = ApiKey.NewSecret();
            var key = new ApiKey
            {
                Id = Guid.NewGuid(),
                Name = name,
                Hash = ApiKey.HashOf(secret),
                Prefix = secret[..7],
                PublishesWithoutApproval = PublishesWithoutApproval,
                CreatedBy = AuditLog.ActorOf(User),
                CreatedAt = time.GetUtcNow(),
            };
            db.ApiKeys.Add(key);
            audit.Add(User, AuditActions.ApiKeyCreated, PublishesWithoutApproval ? $"{name} (publishes without approval)" : name, after: new { key.Name, key.Prefix, key.PublishesWithoutApproval });
            await db.SaveChangesAsync(cancellationToken);
            NewKey = secret;
            Name = null;
            PublishesWithoutApproval = false;
        }

        await OnGetAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            return NotFound();
        }

        if (key.RevokedAt is null)
        {
            key.RevokedAt = time.GetUtcNow();
            key.RevokedBy = AuditLog.ActorOf(User);
            audit.Add(User, AuditActions.ApiKeyRevoked, key.Name);
            await db.SaveChangesAsync(cancellationToken);
        }

        Done = $"The key \"{key.Name}\" is revoked: requests with it are refused from now on.";
        await OnGetAsync(cancellationToken);
        return Page();
    }
}
