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
    private ImmutableArray<BannerState> _ended = [];

    /// <summary>Alerts currently live (before read-time filtering by time, site and page).</summary>
    public ImmutableArray<BannerState> Live { get; private set; } = [];

    public BannerState? Find(Guid alertId) => _states.GetValueOrDefault(alertId);

    /// <summary>Raised after every change that was applied (for cache eviction); handlers must be quick.</summary>
    public event Action? Changed;

    /// <summary>
    /// Alerts that ended (expired or were withdrawn) at or after <paramref name="since"/>, newest
    /// end first, with the content they last had. Ends stored without their content are left out.
    /// </summary>
    public IEnumerable<BannerState> Ended(DateTimeOffset since) => _ended.TakeWhile(s => s.EndedAt >= since);

    /// <summary>Applies <paramref name="incoming"/> if it supersedes what is held; returns whether it did.</summary>
    public bool Apply(BannerState incoming)
    {
        lock (_writeLock)
        {
            var current = _states.GetValueOrDefault(incoming.Id);
            if (!BannerState.Supersedes(incoming, current))
            {
                return false;
            }

            _states = _states.SetItem(incoming.Id, incoming);
            Live = [.. _states.Values.Where(s => s.IsLive)];
            if (HasEnd(incoming) || (current is not null && HasEnd(current)))
            {
                // Kept apart from Live (and only rebuilt when an end comes or goes) so the hot path never pays for it.
                _ended = [.. _states.Values.Where(HasEnd).OrderByDescending(s => s.EndedAt).ThenBy(s => s.Id)];
            }
        }

        Changed?.Invoke();
        return true;
    }

    private static bool HasEnd(BannerState state) => state is { EndedAt: not null, Content: not null };
}
