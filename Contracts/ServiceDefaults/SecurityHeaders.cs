using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>
/// Headers on every response of a host with pages. The Content-Security-Policy allows scripts, styles,
/// images and fonts from this origin only, and nothing inline: user text can never become script or
/// style even if a page forgot to encode it. Hangfire's dashboard (Admin only) draws its charts with
/// inline scripts and styles, so it gets only the framing rule (its buttons retry and delete jobs: no
/// other site may frame them). A response that sets its own policy keeps it (the Dashboard's email
/// preview: sandboxed, no script, framed by the Dashboard only). Over HTTPS, browsers are told to
/// use nothing else for a year (HSTS; not in Development, and never for localhost).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues ReferrerPolicy = "strict-origin-when-cross-origin";
    /// <summary>For Hangfire's dashboard: no framing, and nothing else it could not live with.</summary>
    public const string FramingOnlyPolicy = "frame-ancestors 'none'";

    private static readonly StringValues Policy = ContentSecurityPolicy;
    private static readonly StringValues FramingOnly = FramingOnlyPolicy;
    private static readonly StringValues Deny = "DENY";
    private static readonly PathString Hangfire = "/hangfire";

    // Registered without a closure or an async state machine: this runs on every request, the
    // public banner endpoint's included, and its cost showed in that endpoint's throughput.
    private static readonly Func<object, Task> AddHeaders = static state =>
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = NoSniff;
        headers["Referrer-Policy"] = ReferrerPolicy;
        if (!headers.ContainsKey("Content-Security-Policy"))
        {
            // By the time the response starts, Hangfire has moved "/hangfire" from Path to PathBase.
            var request = context.Request;
            headers.ContentSecurityPolicy = request.PathBase.StartsWithSegments(Hangfire) || request.Path.StartsWithSegments(Hangfire) ? FramingOnly : Policy;
            headers.XFrameOptions = Deny;
        }

        return Task.CompletedTask;
    };

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        if (!app.ApplicationServices.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            // HstsMiddleware: only on HTTPS requests, and not for localhost (HstsOptions.ExcludedHosts).
            app.UseHsts();
        }

        return app.Use(static (context, next) =>
        {
            // On starting, so that a response written by an error handler after the headers were cleared has them too.
            context.Response.OnStarting(AddHeaders, context);
            return next(context);
        });
    }

    /// <summary>HSTS for a year; sites under the trust's domain are not included, as they are not all ours to move to HTTPS.</summary>
    public static IServiceCollection AddStrictTransportSecurity(this IServiceCollection services) =>
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
}
