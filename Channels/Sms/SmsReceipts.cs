using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Jobs;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Contracts;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// A provider's delivery receipt → the delivery it names (by our reference, which the providers
/// echo back) becomes Delivered or Failed. A receipt can arrive before the batch has written the
/// row as Sent; it then settles the row itself, and the batch's later write (Pending → Sent only)
/// leaves it alone. A row its batch's give-up marked failed while a run was still sending it
/// (GivenUpBatches) is settled too: a receipt proves the text went out.
/// </summary>
public sealed class SmsReceipts(ChannelsDbContext db, DeliveryProgressThrottle progress, DeliveryMetrics metrics, ILogger<SmsReceipts> logger)
{
    public async Task ApplyAsync(SmsProviderName provider, string? reference, string? providerMessageId, ReceiptStatus status, string? error, CancellationToken cancellationToken)
    {
        if (status == ReceiptStatus.InProgress || !long.TryParse(reference, out var deliveryId))
        {
            // "queued", "sent" and the like, or a verification code (its reference is not a delivery).
            return;
        }

        var outcome = status == ReceiptStatus.Delivered ? DeliveryStatus.Delivered : DeliveryStatus.Failed;
        var row = db.Deliveries.Where(d => d.Id == deliveryId && d.Channel == AlertChannel.Sms
            && (d.Status == DeliveryStatus.Pending || d.Status == DeliveryStatus.Sent
                || (d.Status == DeliveryStatus.Failed && d.Error != null && d.Error.StartsWith(GivenUpBatches.ErrorPrefix)))
            && (d.ProviderMessageId == null || d.ProviderMessageId == providerMessageId));
        var changed = await row.ExecuteUpdateAsync(u => u
            .SetProperty(d => d.Status, outcome)
            .SetProperty(d => d.Provider, provider.ToString())
            .SetProperty(d => d.ProviderMessageId, providerMessageId)
            .SetProperty(d => d.Error, error), cancellationToken);
        if (changed == 0)
        {
            logger.LogDebug("Receipt from {Provider} for delivery {Reference} changed nothing (already settled or unknown)", provider, reference);
            return;
        }

        if (outcome == DeliveryStatus.Failed)
        {
            metrics.Failed(AlertChannel.Sms);
        }

        var alertId = await db.Deliveries.Where(d => d.Id == deliveryId).Select(d => d.AlertId).SingleAsync(cancellationToken);
        progress.Request(alertId, AlertChannel.Sms);
    }
}

public enum ReceiptStatus
{
    InProgress,
    Delivered,
    Failed,
}
