using System.Collections.Immutable;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>
/// The banner's in-memory view of every alert it has heard of, rebuilt from the database on
/// start and kept current by <see cref="BannerEventsConsumer"/>. Readers take an immutable
/// snapshot without locking; writers swap it.
/// </summary>
public sealed class BannerProjection
{
    private readonly Lock _writeLock = new();
    private ImmutableDictionary<Guid, BannerState> _states = ImmutableDictionary<Guid, BannerState>.Empty;

    /// <summary>Alerts currently live (before read-time filtering by time, site and page).</summary>
    public ImmutableArray<BannerState> Live { get; private set; } = [];

    public BannerState? Find(Guid alertId) => _states.GetValueOrDefault(alertId);

    /// <summary>Raised after every change that was applied (for cache eviction); handlers must be quick.</summary>
    public event Action? Changed;

    /// <summary>Applies <paramref name="incoming"/> if it supersedes what is held; returns whether it did.</summary>
    public bool Apply(BannerState incoming)
    {
        lock (_writeLock)
        {
            if (!BannerState.Supersedes(incoming, _states.GetValueOrDefault(incoming.Id)))
            {
                return false;
            }

            _states = _states.SetItem(incoming.Id, incoming);
            Live = [.. _states.Values.Where(s => s.IsLive)];
        }

        Changed?.Invoke();
        return true;
    }
}
