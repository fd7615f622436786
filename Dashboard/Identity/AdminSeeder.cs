using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Dashboard.Identity;

/// <summary>
/// On the first start (no users yet) creates the roles and one administrator: from
/// <c>Admin:Email</c> / <c>Admin:Password</c> when given, else with a generated password printed
/// to the console once. A password that fails the policy stops the start with the reason.
/// </summary>
public sealed class AdminSeeder(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<AdminSeeder> logger) : IHostedService
{
    public const string DefaultEmail = "admin@localhost";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var email = configuration["Admin:Email"] is { Length: > 0 } configured ? configured : DefaultEmail;
        var given = configuration["Admin:Password"];
        var password = string.IsNullOrEmpty(given) ? StaffUsers.OneTimePassword() : given;

        var admin = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not create the first administrator from Admin:Email / Admin:Password: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        }

        await users.AddToRolesAsync(admin, Roles.All);
        logger.LogInformation("Created the first administrator {Email}", email);
        if (string.IsNullOrEmpty(given))
        {
            // Printed once, to the console only: it is never logged or stored in clear.
            Console.WriteLine();
            Console.WriteLine("==================================================================");
            Console.WriteLine($" First administrator: {email}");
            Console.WriteLine($" One-time password:   {password}");
            Console.WriteLine(" Sign in and keep it safe; it will not be shown again.");
            Console.WriteLine("==================================================================");
            Console.WriteLine();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
