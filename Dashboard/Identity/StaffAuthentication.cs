using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace AlertBroadcaster.Dashboard.Identity;

/// <summary>
/// Staff sign in with ASP.NET Core Identity (cookie) in the browser and with bearer API keys from
/// scripts; the JSON API accepts either through the <see cref="ApiScheme"/> policy scheme.
/// </summary>
public static class StaffAuthentication
{
    public const string ApiScheme = "StaffApi";
    public const string ApiPolicy = "StaffApi";

    /// <summary>Signed-in administrators only (the job dashboard at /hangfire, users, API keys).</summary>
    public const string AdminPolicy = "Admin";

    /// <summary>Signed in with at least one staff role: every Dashboard page. An account with no role sees nothing.</summary>
    public const string StaffPolicy = "Staff";

    /// <summary>Admins and Approvers: the audit log.</summary>
    public const string AuditPolicy = "Audit";

    /// <summary>A staff API key (scripts, the trust's CRM export) or a signed-in administrator: subscriber lists.</summary>
    public const string SubscriberAdminPolicy = "SubscriberAdmin";

    public static IServiceCollection AddStaffAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section));

        services.AddIdentity<IdentityUser, IdentityRole>(o =>
            {
                // NCSC guidance: length over composition rules.
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<DashboardDbContext>()
            .AddDefaultTokenProviders();

        // Roles and locks changed by an Admin reach signed-in sessions within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/SignIn";
            o.LogoutPath = "/Account/SignOut";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Cookie.Name = "alert-broadcaster";
            o.Cookie.HttpOnly = true;
            // Strict: a cross-site form or script can never ride on a signed-in session.
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
        });

        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(ApiScheme, "API key or signed-in staff", o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.HasBearer(context.Request) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme);

        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiScheme).RequireAuthenticatedUser())
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(Roles.Admin))
            .AddPolicy(StaffPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(Roles.All))
            .AddPolicy(AuditPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(Roles.Admin, Roles.Approver))
            .AddPolicy(SubscriberAdminPolicy, p => p.AddAuthenticationSchemes(ApiScheme).RequireAssertion(context =>
                context.User.Identity?.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName || context.User.IsInRole(Roles.Admin)));
        return services;
    }

    /// <summary>The API answers 401/403 with Problem Details; pages redirect to sign in.</summary>
    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return Results.Problem(
                statusCode: status,
                detail: status == StatusCodes.Status401Unauthorized
                    ? "Send a valid API key as 'Authorization: Bearer <key>', or sign in."
                    : "You do not have permission to do that.")
            .ExecuteAsync(context.HttpContext);
    }
}
