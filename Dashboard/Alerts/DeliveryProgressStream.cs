using System.Runtime.CompilerServices;
using System.Text.Json;
using AlertBroadcaster.Dashboard.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>Pulsed whenever this process stores a delivery count, to wake every open progress stream at once.</summary>
public sealed class DeliveryProgressSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next pulse. Take it before reading, so a pulse in between is not missed.</summary>
    public Task NextAsync() => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

/// <summary>
/// <c>GET /api/alerts/{id}/progress</c>: server-sent events, one <c>progress</c> event with the
/// <c>delivery</c> object (as in <c>GET /api/alerts/{id}</c>) at once and again whenever it changes.
/// Counts stored by this process wake it at once; it also looks every few seconds, for counts another
/// Dashboard replica stored.
/// </summary>
public static class DeliveryProgressStream
{
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(3);

    internal static ServerSentEventsResult<Dictionary<string, DeliveryCountsResponse>> Stream(
        Guid id, DashboardDbContext db, DeliveryProgressSignal signal, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(Changes(id, db, signal, cancellationToken), eventType: "progress");

    private static async IAsyncEnumerable<Dictionary<string, DeliveryCountsResponse>> Changes(
        Guid id, DashboardDbContext db, DeliveryProgressSignal signal, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var pulse = signal.NextAsync();
            var counts = await db.DeliveryCounts.AsNoTracking().Where(d => d.AlertId == id).ToListAsync(cancellationToken);
            var delivery = DeliveryCountsResponse.For(counts.Select(c => c.Channel), counts);
            var json = JsonSerializer.Serialize(delivery);
            if (json != last)
            {
                last = json;
                yield return delivery;
            }

            await Task.WhenAny(pulse, Task.Delay(Poll, cancellationToken));
        }
    }
}
