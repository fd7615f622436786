using System.Security.Claims;
using System.Security.Cryptography;
using AlertBroadcaster.Dashboard.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Dashboard.Identity;

/// <summary>
/// What an Admin does to staff accounts, each change audited: create with roles and a one-time
/// password, change roles, lock and unlock, reset the password. An Admin cannot take away their
/// own Admin role or lock themselves out, so there is always a way back in.
/// </summary>
public sealed class StaffUsers(UserManager<IdentityUser> users, AuditLog audit, TimeProvider time)
{
    public async Task<IReadOnlyList<StaffUser>> ListAsync(CancellationToken cancellationToken)
    {
        var all = await users.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var list = new List<StaffUser>(all.Count);
        foreach (var user in all)
        {
            list.Add(await ViewAsync(user));
        }

        return list;
    }

    public async Task<StaffUser?> FindAsync(string id) =>
        await users.FindByIdAsync(id) is { } user ? await ViewAsync(user) : null;

    /// <summary>Creates the account; the password is shown to the Admin once and never stored in clear.</summary>
    public async Task<(StaffUser? User, string? Password, IReadOnlyList<string> Errors)> CreateAsync(string email, IReadOnlyCollection<string> roles, ClaimsPrincipal admin)
    {
        var errors = CheckRoles(roles);
        if (errors.Count > 0)
        {
            return (null, null, errors);
        }

        var user = new IdentityUser { UserName = email.Trim(), Email = email.Trim(), EmailConfirmed = true };
        var password = OneTimePassword();
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return (null, null, created.Errors.Select(e => e.Description).ToList());
        }

        await users.AddToRolesAsync(user, roles);
        await audit.RecordAsync(admin, AuditActions.UserCreated, $"{user.Email} as {string.Join(", ", roles)}", after: new { user.Email, roles });
        return (await ViewAsync(user), password, []);
    }

    public async Task<IReadOnlyList<string>> SetRolesAsync(string id, IReadOnlyCollection<string> roles, ClaimsPrincipal admin)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return ["There is no such user."];
        }

        var errors = CheckRoles(roles);
        if (IsSelf(user, admin) && !roles.Contains(Roles.Admin))
        {
            errors = [.. errors, "You cannot take away your own Admin role: ask another Admin."];
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var before = await users.GetRolesAsync(user);
        await users.RemoveFromRolesAsync(user, before.Except(roles));
        await users.AddToRolesAsync(user, roles.Except(before));
        await audit.RecordAsync(admin, AuditActions.UserChanged, $"{user.Email}: roles {string.Join(", ", roles)}", before: new { roles = before }, after: new { roles });
        return [];
    }

    /// <summary>Locks the account (signed-in sessions end within minutes, when the cookie is next checked) or unlocks it.</summary>
    public async Task<IReadOnlyList<string>> SetLockedAsync(string id, bool locked, ClaimsPrincipal admin)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return ["There is no such user."];
        }

        if (locked && IsSelf(user, admin))
        {
            return ["You cannot lock your own account."];
        }

        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
        await users.ResetAccessFailedCountAsync(user);
        // A new stamp ends the user's existing sessions at the next validation.
        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(admin, AuditActions.UserChanged, $"{user.Email}: {(locked ? "locked" : "unlocked")}");
        return [];
    }

    public async Task<(string? Password, IReadOnlyList<string> Errors)> ResetPasswordAsync(string id, ClaimsPrincipal admin)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return (null, ["There is no such user."]);
        }

        var password = OneTimePassword();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded)
        {
            return (null, reset.Errors.Select(e => e.Description).ToList());
        }

        await audit.RecordAsync(admin, AuditActions.UserPasswordReset, user.Email ?? id);
        return (password, []);
    }

    private static List<string> CheckRoles(IReadOnlyCollection<string> roles) =>
        roles.Count == 0 ? ["Choose at least one role."]
        : roles.Except(Roles.All).Any() ? ["Choose roles from the list."]
        : [];

    private bool IsSelf(IdentityUser user, ClaimsPrincipal admin) => users.GetUserId(admin) == user.Id;

    private async Task<StaffUser> ViewAsync(IdentityUser user) => new(
        user.Id,
        user.Email ?? user.UserName ?? user.Id,
        (await users.GetRolesAsync(user)).Order().ToList(),
        user.LockoutEnd is { } end && end > time.GetUtcNow());

    /// <summary>20 characters without look-alikes (no 0/O, 1/l/I), easy to read out.</summary>
    public static string OneTimePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
}

/// <summary>A staff account as the admin pages show it.</summary>
public sealed record StaffUser(string Id, string Email, IReadOnlyList<string> Roles, bool Locked);
