namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>
/// Gives a bulk import's memory back once the import is over. An import arrives as many chunks
/// (2,000 lines each) in quick succession, and while they come the GC grows its heap to match the
/// allocation rate; without this the process kept that heap (GC-committed 105–125 MB against
/// about 45 MB steady, dotnet-counters) into whatever came next, typically the fan-out of the
/// alert the list was imported for. A compacting collection that returns free memory to the
/// system (<see cref="GCCollectionMode.Aggressive"/>, meant for the end of a one-off burst) runs
/// once the chunks have stopped for <see cref="Quiet"/>: committed fell to 25 MB straight after
/// the import, and the standalone Channels process's peak in the fan-out that followed was
/// 321, 330, 330 and 347 MB in four runs against 335–373 MB in seven before
/// (bench/email-fanout.sh --distributed).
/// </summary>
public sealed class ImportMemory : IDisposable
{
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Action _release;
    private ITimer? _timer;

    public ImportMemory(TimeProvider time)
        : this(time, Release)
    {
    }

    internal ImportMemory(TimeProvider time, Action release)
    {
        _time = time;
        _release = release;
    }

    /// <summary>A chunk has been stored: release after <see cref="Quiet"/> unless another comes first.</summary>
    public void ChunkImported()
    {
        lock (_lock)
        {
            _timer ??= _time.CreateTimer(_ => _release(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(Quiet, Timeout.InfiniteTimeSpan);
        }
    }

    private static void Release() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
        }
    }
}
