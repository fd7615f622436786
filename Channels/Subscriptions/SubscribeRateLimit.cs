using System.Threading.RateLimiting;
using AlertBroadcaster.Channels.Sms;
using Microsoft.AspNetCore.RateLimiting;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>
/// Each subscribe request sends an email or a text to an address anyone can type: a few per address
/// of the requester per quarter hour is plenty for a person and useless for flooding someone's inbox
/// or for SMS pumping. Only POSTs are limited; showing the forms never is.
/// </summary>
public static class SubscribeRateLimit
{
    public const string Policy = "subscribe";
    public const string SmsCodePolicy = "sms-code";
    public const int PermitsPerWindow = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public static IServiceCollection AddSubscribeRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var smsPermits = configuration.GetSection(SmsOptions.Section).Get<SmsOptions>()?.Verification.RequestsPerAddressPer15Minutes
            ?? new VerificationOptions().RequestsPerAddressPer15Minutes;
        var emailPermits = configuration.GetSection(SubscriptionOptions.Section).Get<SubscriptionOptions>()?.RequestsPerAddressPer15Minutes
            ?? PermitsPerWindow;
        return services.AddRateLimiter(o =>
        {
            o.AddPolicy(Policy, http => PerAddress(http, "email", emailPermits));
            o.AddPolicy(SmsCodePolicy, http => PerAddress(http, "sms", smsPermits));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancellationToken) =>
            {
                var sms = context.HttpContext.Request.Path.StartsWithSegments("/sms");
                context.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                context.HttpContext.Response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.HttpContext.Response.WriteAsync(
                    "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Too many requests – Hospital alerts</title><link rel=\"stylesheet\" href=\"/css/public.css\"></head>" +
                    "<body><main id=\"main\" class=\"width\"><h1>Too many requests</h1>" +
                    "<p>We have had several subscription requests from your connection in the last few minutes. " +
                    (sms ? "Please use the code in the last text message we sent, or try again in 15 minutes.</p>"
                        : "Please check your email (and junk folder) for a link we've already sent, or try again in 15 minutes.</p>") +
                    "</main></body></html>",
                    cancellationToken);
            };
        });
    }

    private static RateLimitPartition<string> PerAddress(HttpContext http, string channel, int permits) =>
        HttpMethods.IsPost(http.Request.Method)
            ? RateLimitPartition.GetFixedWindowLimiter(
                $"{channel}:{http.Connection.RemoteIpAddress?.ToString() ?? "unknown"}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = Window, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter("view");
}
