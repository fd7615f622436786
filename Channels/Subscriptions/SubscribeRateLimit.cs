using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>
/// Each subscribe request sends an email to an address anyone can type: a few per address of the
/// requester per quarter hour is plenty for a person and useless for flooding someone's inbox.
/// </summary>
public static class SubscribeRateLimit
{
    public const string Policy = "subscribe";
    public const int PermitsPerWindow = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public static IServiceCollection AddSubscribeRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            // Only the POST sends mail; showing the form is never limited.
            o.AddPolicy(Policy, http => HttpMethods.IsPost(http.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = PermitsPerWindow, Window = Window, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("view"));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                context.HttpContext.Response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.HttpContext.Response.WriteAsync(
                    "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Too many requests – Hospital alerts</title></head>" +
                    "<body style=\"font-family:Arial,sans-serif;margin:2rem;\"><h1>Too many requests</h1>" +
                    "<p>We have had several subscription requests from your connection in the last few minutes. " +
                    "Please check your email (and junk folder) for a link we've already sent, or try again in 15 minutes.</p></body></html>",
                    cancellationToken);
            };
        });
}
