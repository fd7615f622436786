using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>
/// Writes <c>GET /api/banner/current</c>: the precomputed answer for the site and page, its ETag,
/// a <c>max-age</c> worked out for this instant, or 304 when the caller holds it already.
/// </summary>
/// <remarks>
/// Websites poll this endpoint more than everything else together, so <see cref="UseCurrentBanner"/>
/// answers valid GETs at the front of the pipeline, before routing and the middleware the endpoint does
/// not need (measured with bench/banner.sh: about 15 % of a request's CPU). It applies the endpoint's
/// CORS policy itself, through the CORS service. Everything else (a bad query, preflight, HEAD) goes
/// on to the routed endpoint, which answers through the same <see cref="Serve"/>.
/// </remarks>
public sealed class CurrentBannerEndpoint
{
    public const string Path = "/api/banner/current";

    private static readonly StringValues JsonContentType = "application/json; charset=utf-8";
    private static readonly StringValues NoSniff = "nosniff";

    private readonly BannerResponses _responses;
    private readonly SiteCatalog _sites;
    private readonly TimeProvider _time;
    private readonly StringValues[] _cacheControl;
    private readonly ICorsService _cors;
    private readonly CorsPolicy _corsPolicy;

    public CurrentBannerEndpoint(BannerResponses responses, SiteCatalog sites, TimeProvider time, IOptions<BannerOptions> options,
        ICorsService cors, IOptions<CorsOptions> corsOptions)
    {
        _responses = responses;
        _sites = sites;
        _time = time;
        _cacheControl = [.. Enumerable.Range(0, options.Value.MaxAgeSeconds + 1).Select(seconds => new StringValues($"public, max-age={seconds}"))];
        _cors = cors;
        _corsPolicy = corsOptions.Value.GetPolicy(BannerApi.CorsPolicy)
            ?? throw new InvalidOperationException($"The '{BannerApi.CorsPolicy}' CORS policy is not registered.");
    }

    /// <summary>The routed endpoint: validates the query, then serves.</summary>
    public Task HandleAsync(HttpContext http)
    {
        var (site, path) = Query(http);
        return BannerQuery.Validate(site, path, _sites) is { } problem ? problem.ExecuteAsync(http) : Serve(http, site, path);
    }

    /// <summary>Answers a valid GET here and now; anything else goes on down the pipeline.</summary>
    internal Task FrontOfPipeline(HttpContext http, RequestDelegate next)
    {
        var request = http.Request;
        if (!HttpMethods.IsGet(request.Method) || !request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase))
        {
            return next(http);
        }

        if (!TryReadPlainQuery(request.QueryString.Value, out var site, out var path))
        {
            return next(http);
        }

        if (request.Headers.Origin.Count > 0)
        {
            _cors.ApplyResult(_cors.EvaluatePolicy(http, _corsPolicy), http.Response);
        }

        return Serve(http, site, path);
    }

    /// <summary>
    /// Reads <c>site</c> and <c>path</c> straight from the query string, without the query
    /// collection's dictionary and strings, when the query is the plain kind websites send: nothing
    /// escaped, each at most once, the site a known slug (its string is the catalog's own), the path
    /// acceptable. False for anything else, which the routed endpoint then reads and answers.
    /// </summary>
    private bool TryReadPlainQuery(string? query, out string? site, out string? path)
    {
        site = path = null;
        if (string.IsNullOrEmpty(query))
        {
            return true;
        }

        var pairs = query.AsSpan(1);
        foreach (var range in pairs.Split('&'))
        {
            var pair = pairs[range];
            if (pair.ContainsAny('%', '+'))
            {
                return false;
            }

            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? [] : pair[(equals + 1)..];
            // Query names are matched ignoring case, as the query collection does.
            if (name.Equals("site", StringComparison.OrdinalIgnoreCase))
            {
                if (site is not null || !_sites.TryGetSlug(value, out site))
                {
                    return false;
                }
            }
            else if (name.Equals("path", StringComparison.OrdinalIgnoreCase))
            {
                if (path is not null || !BannerQuery.IsPagePath(value))
                {
                    return false;
                }

                path = value.ToString();
            }
        }

        return true;
    }

    private static (string? Site, string? Path) Query(HttpContext http)
    {
        var query = http.Request.Query;
        return (query["site"], query["path"]);
    }

    private Task Serve(HttpContext http, string? site, string? path)
    {
        var banner = _responses.For(site, path);
        var response = http.Response;
        var headers = response.Headers;
        headers.XContentTypeOptions = NoSniff;
        headers.ETag = banner.ETag;
        headers.CacheControl = _cacheControl[banner.MaxAgeSeconds(_time.GetUtcNow(), _cacheControl.Length - 1)];
        if (BannerQuery.Matches(http.Request.Headers.IfNoneMatch, banner.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        headers.ContentType = JsonContentType;
        response.ContentLength = banner.Body.Length;
        // Straight into the response's pipe: no stream over it, and no task when the write completes at once (it nearly always does).
        var write = response.BodyWriter.WriteAsync(banner.Body);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }
}

public static class CurrentBannerPipeline
{
    /// <summary>Answers <c>GET /api/banner/current</c> here, ahead of the middleware after this call (see <see cref="CurrentBannerEndpoint"/>).</summary>
    public static IApplicationBuilder UseCurrentBanner(this IApplicationBuilder app)
    {
        var endpoint = app.ApplicationServices.GetRequiredService<CurrentBannerEndpoint>();
        return app.Use(endpoint.FrontOfPipeline);
    }
}
