using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Feeds;

public static class FeedsApi
{
    public const string AtomPath = "/feeds/alerts.atom";
    public const string CapPath = "/feeds/alerts.cap.xml";

    /// <summary>
    /// <c>GET /feeds/alerts.atom?site=</c> and <c>GET /feeds/alerts.cap.xml?site=</c>: public,
    /// cacheable, readable from any origin. Both are Atom documents (the CAP one wraps a CAP 1.2
    /// message per entry, see <see cref="CapFeed"/>), so both are served as <c>application/atom+xml</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapAlertFeeds(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(AtomPath, GetAtom)
            .CacheOutput(BannerOutputCache.PolicyName)
            .RequireCors(BannerApi.CorsPolicy)
            .WithName("GetAlertsAtomFeed")
            .AllowAnonymous();
        endpoints.MapGet(CapPath, GetCap)
            .CacheOutput(BannerOutputCache.PolicyName)
            .RequireCors(BannerApi.CorsPolicy)
            .WithName("GetAlertsCapFeed")
            .AllowAnonymous();
        return endpoints;
    }

    internal static IResult GetAtom(string? site, HttpContext http, [AsParameters] FeedServices services) =>
        Serve(site, AtomPath, http, services, request => AtomFeed.Write(services.Projection.Live, request));

    internal static IResult GetCap(string? site, HttpContext http, [AsParameters] FeedServices services) =>
        Serve(site, CapPath, http, services, request => CapFeed.Write(
            services.Projection.Live, services.Projection.Ended(request.Now - CapFeed.CancelsKept), request, services.Feeds.Value.CapSender!));

    private static IResult Serve(string? site, string path, HttpContext http, FeedServices services, Func<FeedRequest, FeedDocument> write)
    {
        if (BannerQuery.Validate(site, null, services.Sites) is { } problem)
        {
            return problem;
        }

        var feeds = services.Feeds.Value;
        var now = services.Time.GetUtcNow();
        var self = feeds.Link(site is null ? path : $"{path}?site={Uri.EscapeDataString(site)}");
        var feed = write(new FeedRequest(site, now, self, feeds.Title, services.Sites));
        // Output-cached (evicted on every change) until the document would change by itself.
        BannerOutputCache.ValidUntil(http, feed.NextChange, now);
        http.Response.Headers.CacheControl = BannerOutputCache.CacheControl(feed.NextChange, now, services.Banner.Value.MaxAgeSeconds);
        return TypedResults.File(feed.Body, "application/atom+xml; charset=utf-8");
    }

    /// <summary>What every feed handler reads.</summary>
    internal readonly record struct FeedServices(
        BannerProjection Projection,
        SiteCatalog Sites,
        IOptions<FeedOptions> Feeds,
        IOptions<BannerOptions> Banner,
        TimeProvider Time);
}
