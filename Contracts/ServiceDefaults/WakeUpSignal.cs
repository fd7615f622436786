using System.Threading.Channels;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>
/// Wakes a polling loop (an outbox dispatcher) as soon as there is work, so it does not wait for
/// its next poll. Coalesces: many signals before a wake-up are one. <typeparamref name="TLoop"/>
/// is the loop it wakes, so two loops in one process never wake each other.
/// </summary>
public sealed class WakeUpSignal<TLoop>
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
