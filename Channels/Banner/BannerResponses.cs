using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>
/// The answers of <c>GET /api/banner/current</c>, computed once per site and page group and reused
/// until the projection changes or an alert's start or expiry time passes: a request then costs a
/// dictionary lookup, which is what lets one replica serve as fast as a static file.
/// </summary>
/// <remarks>
/// Pages differ only in which path-targeted alerts apply to them, so pages are grouped by that set
/// (a bit mask) rather than kept one by one: a crawler asking for a million paths adds no entries.
/// The cache-control lifetime is not stored: it is worked out per request from
/// <see cref="CurrentBanner.ValidUntil"/>, so it shrinks as the next expiry approaches.
/// </remarks>
public sealed class BannerResponses(BannerProjection projection, TimeProvider time)
{
    private Generation _generation = new([], DateTimeOffset.MinValue);

    public CurrentBanner For(string? site, string? path)
    {
        var now = time.GetUtcNow();
        var live = projection.Live;
        var generation = Volatile.Read(ref _generation);
        if (generation.Live != live || now >= generation.ValidUntil)
        {
            generation = new Generation(live, now);
            Volatile.Write(ref _generation, generation);
        }

        if (generation.PathTargeted.Length > 64)
        {
            return CurrentBanner.Select(live, site, path, now);
        }

        var pages = 0UL;
        for (var i = 0; i < generation.PathTargeted.Length; i++)
        {
            if (CurrentBanner.AppliesToPath(generation.PathTargeted[i].Content!.Paths, path))
            {
                pages |= 1UL << i;
            }
        }

        var key = new Key(site, pages);
        if (!generation.Responses.TryGetValue(key, out var banner))
        {
            banner = CurrentBanner.Select(live, site, path, now);
            generation.Responses.TryAdd(key, banner);
        }

        return banner;
    }

    private readonly record struct Key(string? Site, ulong Pages);

    /// <summary>The answers for one state of the projection, good until the next start or expiry of any live alert.</summary>
    private sealed class Generation
    {
        public Generation(ImmutableArray<BannerState> live, DateTimeOffset now)
        {
            Live = live;
            PathTargeted = [.. live.Where(s => s.Content!.Paths.Count > 0)];
            ValidUntil = live
                .Select(s => s.Content!.EffectiveFrom > now ? s.Content.EffectiveFrom : s.Content.ExpiresAt)
                .Where(t => t > now)
                .Min() ?? DateTimeOffset.MaxValue;
        }

        public ImmutableArray<BannerState> Live { get; }

        public ImmutableArray<BannerState> PathTargeted { get; }

        public DateTimeOffset ValidUntil { get; }

        public ConcurrentDictionary<Key, CurrentBanner> Responses { get; } = new();
    }
}
