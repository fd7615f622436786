using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Dashboard.Identity;

/// <summary>The <c>Api</c> configuration section: bearer keys for the staff JSON API.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    public List<string> Keys { get; set; } = [];
}

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c> against the operator's <c>Api:Keys</c> (compared as
/// hashes in constant time, named by position: <c>api-key-1</c>; their alerts skip approval, as
/// the operator who configured them is trusted) and then the keys Admins made in the Dashboard
/// (<see cref="ApiKey"/>, found by hash, named <c>api-key:{name}</c>). Never the key itself.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<ApiOptions> api,
    DashboardDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string BearerPrefix = "Bearer ";

    public static bool HasBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var key = header[BearerPrefix.Length..].Trim();
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var keys = api.CurrentValue.Keys;
        var match = -1;
        for (var i = 0; i < keys.Count; i++)
        {
            // Every key is compared, so the time taken says nothing about which one matched.
            if (!string.IsNullOrEmpty(keys[i])
                && CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(keys[i]))))
            {
                match = i;
            }
        }

        if (match >= 0)
        {
            return Success($"api-key-{match + 1}", publishesWithoutApproval: true);
        }

        var hash = ApiKey.HashOf(key);
        if (await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, Context.RequestAborted) is { } made)
        {
            return Success($"api-key:{made.Name}", made.PublishesWithoutApproval);
        }

        return AuthenticateResult.Fail("The API key is not recognised.");
    }

    private static AuthenticateResult Success(string name, bool publishesWithoutApproval)
    {
        List<Claim> claims = [new(ClaimTypes.Name, name), new(ClaimTypes.Role, Roles.Author)];
        if (publishesWithoutApproval)
        {
            claims.Add(new Claim(StaffClaims.PublishesWithoutApproval, "true"));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
                title: "Unauthorized",
                detail: "Send a valid API key as 'Authorization: Bearer <key>', or sign in.",
                statusCode: StatusCodes.Status401Unauthorized)
            .ExecuteAsync(Context);
    }
}
