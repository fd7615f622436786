using System.Threading.Channels;

namespace AlertBroadcaster.Broadcaster.Outbox;

/// <summary>
/// Wakes the dispatcher as soon as a transaction with events commits, so publishing does not
/// wait for the next poll. Coalesces: many signals before a wake-up are one.
/// </summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Poll interval elapsed: look anyway, in case a signal was lost with a crash.
        }
    }
}
