using System.Text.Json;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Identity;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>The Dashboard's own small outbox of new alerts waiting for the Broadcaster.</summary>
public sealed class QueuedAlerts(DashboardDbContext db, WakeUpSignal<QueuedAlertsDispatcher> signal, TimeProvider time)
{
    public async Task<QueuedAlertView> AddAsync(PublishAlert command, CancellationToken cancellationToken)
    {
        var row = Enqueue(command);
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return View(row);
    }

    /// <summary>Queues within the caller's unit of work (saved with the change that sends the alert, such as its approval).</summary>
    public QueuedAlert Enqueue(PublishAlert command)
    {
        var row = new QueuedAlert
        {
            Id = command.AlertId,
            Command = JsonSerializer.Serialize(command),
            QueuedAt = time.GetUtcNow(),
        };
        db.QueuedAlerts.Add(row);
        return row;
    }

    /// <summary>The Broadcaster took it: it leaves the queue. Safe if the dispatcher got there first.</summary>
    public Task RemoveAsync(Guid alertId) =>
        db.QueuedAlerts.Where(q => q.Id == alertId).ExecuteDeleteAsync(CancellationToken.None);

    /// <summary>The Broadcaster refused it: it stays, with the reasons, for staff to see.</summary>
    public Task RecordRefusalAsync(Guid alertId, IReadOnlyDictionary<string, string[]> errors)
    {
        var refusal = JsonSerializer.Serialize(errors);
        return db.QueuedAlerts.Where(q => q.Id == alertId).ExecuteUpdateAsync(set => set.SetProperty(q => q.Refusal, refusal), CancellationToken.None);
    }

    /// <summary>Wakes the dispatcher to try again now.</summary>
    public void Nudge() => signal.Notify();

    public async Task<QueuedAlertView?> FindAsync(Guid alertId, CancellationToken cancellationToken) =>
        await db.QueuedAlerts.AsNoTracking().FirstOrDefaultAsync(q => q.Id == alertId, cancellationToken) is { } row ? View(row) : null;

    /// <summary>Every queued or refused alert, oldest first (a handful at most; sorted here, as SQLite cannot order instants).</summary>
    public async Task<IReadOnlyList<QueuedAlertView>> ListAsync(CancellationToken cancellationToken) =>
        (await db.QueuedAlerts.AsNoTracking().ToListAsync(cancellationToken)).Select(View).OrderBy(q => q.QueuedAt).ToList();

    public static PublishAlert Command(QueuedAlert row) =>
        JsonSerializer.Deserialize<PublishAlert>(row.Command) ?? throw new InvalidDataException($"Queued alert {row.Id} has no command.");

    private static QueuedAlertView View(QueuedAlert row) => new(
        Command(row),
        row.QueuedAt,
        row.Refusal is null ? null : JsonSerializer.Deserialize<Dictionary<string, string[]>>(row.Refusal));
}

/// <summary>A queued alert as staff see it; <see cref="Refusal"/> is set when the Broadcaster refused it.</summary>
public sealed record QueuedAlertView(PublishAlert Command, DateTimeOffset QueuedAt, IReadOnlyDictionary<string, string[]>? Refusal)
{
    public Guid Id => Command.AlertId;

    /// <summary>"Queued" while waiting, "Refused" once the Broadcaster turned it down.</summary>
    public string Status => Refusal is null ? "Queued" : "Refused";
}
