using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace AlertBroadcaster.Dashboard.Identity;

/// <summary>
/// Sign-in attempts per address of the requester (<c>SignIn:AttemptsPerAddressPer5Minutes</c>,
/// default 20): plenty for people sharing a hospital's connection, too few for guessing passwords
/// across many accounts. Each account also locks after five wrong passwords (Identity's lockout).
/// Only POSTs count; showing the form never does.
/// </summary>
public sealed class SignInRateLimit(IConfiguration configuration) : IRateLimiterPolicy<string>
{
    public const string Policy = "sign-in";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly int _permits = configuration.GetValue("SignIn:AttemptsPerAddressPer5Minutes", 20);

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        HttpMethods.IsPost(httpContext.Request.Method)
            ? RateLimitPartition.GetFixedWindowLimiter(
                httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = _permits, Window = Window, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter("view");

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, cancellationToken) =>
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        await response.WriteAsync(
            "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            "<title>Too many sign-in attempts – Alert Broadcaster</title><link rel=\"stylesheet\" href=\"/lib/nhsuk-frontend/nhsuk-frontend.min.css\"></head>" +
            "<body><div class=\"nhsuk-width-container\"><main class=\"nhsuk-main-wrapper\" id=\"maincontent\"><h1>Too many sign-in attempts</h1>" +
            "<p>There have been too many attempts to sign in from your connection in the last few minutes. Wait 5 minutes, then " +
            "<a href=\"/Account/SignIn\">try again</a>.</p><p>If you have forgotten your password, ask an administrator to reset it.</p>" +
            "</main></div></body></html>",
            cancellationToken);
    };
}
