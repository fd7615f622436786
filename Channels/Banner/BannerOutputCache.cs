using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>
/// ASP.NET Core output caching for the banner's other renderings (the HTML fragment and the feeds):
/// one entry per site and path, tagged <see cref="Tag"/> and evicted whenever the projection changes,
/// and never kept past the moment its answer stops being right (an expiry or a start), which the
/// endpoint states with <see cref="ValidUntil"/>.
/// </summary>
/// <remarks>
/// The JSON endpoint does not use it: it is the hot path, and it works out <c>max-age</c> per request
/// from precomputed answers (<see cref="BannerResponses"/>). Here the stored headers are frozen, so
/// <c>max-age</c> is set one second short and the middleware's <c>Age</c> header (whole seconds,
/// rounded down) lets shared caches count the rest.
/// </remarks>
public sealed class BannerOutputCache : IOutputCachePolicy
{
    public const string PolicyName = "banner";
    public const string Tag = "banner";

    private const string ValidForKey = "banner.valid-for";
    private static readonly StringValues VaryBy = new(["site", "path"]);

    /// <summary>Says until when the response being written stays right (null: until the projection changes).</summary>
    public static void ValidUntil(HttpContext http, DateTimeOffset? until, DateTimeOffset now) =>
        http.Items[ValidForKey] = until is { } end ? end - now : (TimeSpan?)null;

    /// <summary>The <c>max-age</c> for a response that may be served from the output cache until <paramref name="until"/>.</summary>
    public static string CacheControl(DateTimeOffset? until, DateTimeOffset now, int maxAgeSeconds) =>
        $"public, max-age={Math.Max(0, CurrentBanner.CacheSeconds(until, now, maxAgeSeconds + 1) - 1)}";

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = HttpMethods.IsGet(context.HttpContext.Request.Method);
        context.AllowCacheStorage = context.AllowCacheLookup;
        context.AllowLocking = true;
        context.CacheVaryByRules.QueryKeys = VaryBy;
        context.Tags.Add(Tag);
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        if (http.Response.StatusCode != StatusCodes.Status200OK || !http.Items.TryGetValue(ValidForKey, out var value))
        {
            context.AllowCacheStorage = false;
            return ValueTask.CompletedTask;
        }

        var lifetime = value as TimeSpan? ?? TimeSpan.FromMinutes(10);
        context.ResponseExpirationTimeSpan = lifetime;
        context.AllowCacheStorage = lifetime > TimeSpan.Zero;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Evicts the banner's output-cache entries on every change to the projection.</summary>
public sealed class BannerCacheEviction(BannerProjection projection, IOutputCacheStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        projection.Changed += Evict;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        projection.Changed -= Evict;
        return Task.CompletedTask;
    }

    // The in-memory store evicts synchronously; a distributed store would finish in the background.
    private void Evict() => _ = store.EvictByTagAsync(BannerOutputCache.Tag, CancellationToken.None).AsTask();
}
