using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>
/// Headers on every response of a host with pages. The Content-Security-Policy allows scripts, styles,
/// images and fonts from this origin only, and nothing inline: user text can never become script or
/// style even if a page forgot to encode it. Hangfire's dashboard (Admin only) draws its charts with
/// inline styles, so it is left out. A response that sets its own policy keeps it (the Dashboard's
/// email preview: sandboxed, no script, framed by the Dashboard only).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                if (!context.Request.Path.StartsWithSegments("/hangfire") && !headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers.XFrameOptions = "DENY";
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
}
