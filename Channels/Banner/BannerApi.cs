using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AlertBroadcaster.Channels.Banner;

public static class BannerApi
{
    public const string CorsPolicy = "banner";

    /// <summary>
    /// <c>GET /api/banner/current?site=&amp;path=</c>: public, cacheable, readable from any origin; and the
    /// same banner as an HTML fragment at <c>/api/banner/current.html</c> for sites that cannot run scripts.
    /// </summary>
    public static IEndpointRouteBuilder MapBannerApi(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var responses = services.GetRequiredService<BannerResponses>();
        var sites = services.GetRequiredService<SiteCatalog>();
        var time = services.GetRequiredService<TimeProvider>();
        var maxAge = services.GetRequiredService<IOptions<BannerOptions>>().Value.MaxAgeSeconds;

        endpoints.MapGet(CurrentBannerEndpoint.Path, services.GetRequiredService<CurrentBannerEndpoint>().HandleAsync)
            .RequireCors(CorsPolicy)
            .WithName("GetCurrentBanner")
            .AllowAnonymous();

        endpoints.MapGet("/api/banner/current.html", (string? site, string? path, HttpContext http) =>
            {
                if (BannerQuery.Validate(site, path, sites) is { } problem)
                {
                    return problem;
                }

                var banner = responses.For(site, path);
                var now = time.GetUtcNow();
                BannerOutputCache.ValidUntil(http, banner.ValidUntil, now);
                http.Response.Headers.CacheControl = BannerOutputCache.CacheControl(banner.ValidUntil, now, maxAge);
                return TypedResults.Text(BannerFragment.Render(banner.Alerts), "text/html; charset=utf-8");
            })
            .CacheOutput(BannerOutputCache.PolicyName)
            .RequireCors(CorsPolicy)
            .WithName("GetCurrentBannerHtml")
            .AllowAnonymous();
        return endpoints;
    }
}

/// <summary>The <c>site</c> and <c>path</c> query parameters every banner and feed endpoint takes.</summary>
public static class BannerQuery
{
    /// <summary>A Problem Details answer naming what is wrong, or null when both are acceptable.</summary>
    public static IResult? Validate(string? site, string? path, SiteCatalog sites)
    {
        var errors = new Dictionary<string, string[]>();
        if (site is not null && !sites.Contains(site))
        {
            errors["site"] = [$"Unknown site '{site}'. Known sites: {string.Join(", ", sites.All.Select(s => s.Slug))}."];
        }

        if (path is not null && !IsPagePath(path))
        {
            errors["path"] = ["Path must be the page's path, starting with / (for example /visiting)."];
        }

        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : null;
    }

    /// <summary>Whether <paramref name="path"/> can be a page's path: starts with / and is of a sensible length.</summary>
    public static bool IsPagePath(ReadOnlySpan<char> path) => path.Length is > 0 and <= 2000 && path[0] == '/';

    /// <summary>Whether an <c>If-None-Match</c> header names <paramref name="etag"/> (weak comparison, lists and <c>*</c> allowed).</summary>
    public static bool Matches(StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
        {
            var header = value ?? "";
            foreach (var range in header.AsSpan().Split(','))
            {
                var tag = header.AsSpan()[range].Trim();
                if (tag.StartsWith("W/"))
                {
                    tag = tag[2..];
                }

                if (tag is "*" || tag.SequenceEqual(etag))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
