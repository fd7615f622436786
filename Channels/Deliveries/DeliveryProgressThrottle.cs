using System.Collections.Concurrent;
using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Deliveries;

/// <summary>
/// Progress reports that may wait a moment: at most one per alert and channel a second from this
/// process, and always one after the last request. Counting re-reads every delivery row of the
/// alert (100,000 in a big send), and both SMS receipts (by the hundred a second) and email
/// batches (several a second) would otherwise each count. A send's last word is not throttled:
/// see <see cref="DeliveryLedger.ReportBatchEndAsync"/>.
/// </summary>
public sealed class DeliveryProgressThrottle(IServiceScopeFactory scopes, TimeProvider time, ILogger<DeliveryProgressThrottle> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<(Guid, AlertChannel), byte> _scheduled = new();

    public void Request(Guid alertId, AlertChannel channel)
    {
        if (_scheduled.TryAdd((alertId, channel), 0))
        {
            _ = PublishLaterAsync(alertId, channel);
        }
    }

    private async Task PublishLaterAsync(Guid alertId, AlertChannel channel)
    {
        try
        {
            await Task.Delay(Interval, time);
            _scheduled.TryRemove((alertId, channel), out _);
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DeliveryLedger>().PublishProgressAsync(alertId, channel, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The next receipt or batch reports again; nothing is lost but a moment of freshness.
            logger.LogWarning(ex, "Could not report delivery progress for alert {AlertId}", alertId);
        }
    }
}
