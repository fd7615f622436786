using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AlertBroadcaster.Channels.Banner;

public static class BannerApi
{
    public const string CorsPolicy = "banner";

    /// <summary><c>GET /api/banner/current?site=&amp;path=</c>: public, cacheable, readable from any origin.</summary>
    public static IEndpointRouteBuilder MapBannerApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/banner/current", GetCurrent)
            .RequireCors(CorsPolicy)
            .WithName("GetCurrentBanner")
            .AllowAnonymous();
        return endpoints;
    }

    internal static Results<FileContentHttpResult, StatusCodeHttpResult, ValidationProblem> GetCurrent(
        string? site,
        string? path,
        HttpContext http,
        BannerProjection projection,
        SiteCatalog sites,
        IOptions<BannerOptions> options,
        TimeProvider time)
    {
        var errors = SiteErrors(site, sites);

        if (path is not null && (path.Length == 0 || path[0] != '/' || path.Length > 2000))
        {
            errors["path"] = ["Path must be the page's path, starting with / (for example /visiting)."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var banner = CurrentBanner.Select(projection.Live, site, path, time.GetUtcNow(), options.Value.MaxAgeSeconds);
        var headers = http.Response.Headers;
        headers.ETag = banner.ETag;
        headers.CacheControl = $"public, max-age={banner.MaxAgeSeconds}";

        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Value == banner.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.File(banner.Body, "application/json; charset=utf-8");
    }

    /// <summary>The validation errors for a <c>site</c> query parameter (none when absent or known), shared by the feeds.</summary>
    internal static Dictionary<string, string[]> SiteErrors(string? site, SiteCatalog sites)
    {
        var errors = new Dictionary<string, string[]>();
        if (site is not null && !sites.Contains(site))
        {
            errors["site"] = [$"Unknown site '{site}'. Known sites: {string.Join(", ", sites.All.Select(s => s.Slug))}."];
        }

        return errors;
    }
}
