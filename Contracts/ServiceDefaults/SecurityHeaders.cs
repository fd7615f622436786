using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

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

    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues ReferrerPolicy = "strict-origin-when-cross-origin";
    private static readonly StringValues Policy = ContentSecurityPolicy;
    private static readonly StringValues Deny = "DENY";

    // Registered without a closure or an async state machine: this runs on every request, the
    // public banner endpoint's included, and its cost showed in that endpoint's throughput.
    private static readonly Func<object, Task> AddHeaders = static state =>
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = NoSniff;
        headers["Referrer-Policy"] = ReferrerPolicy;
        if (!context.Request.Path.StartsWithSegments("/hangfire") && !headers.ContainsKey("Content-Security-Policy"))
        {
            headers.ContentSecurityPolicy = Policy;
            headers.XFrameOptions = Deny;
        }

        return Task.CompletedTask;
    };

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            // On starting, so that a response written by an error handler after the headers were cleared has them too.
            context.Response.OnStarting(AddHeaders, context);
            return next(context);
        });
}
