using System.Security.Claims;
using System.Text.Json;
using AlertBroadcaster.Dashboard.Identity;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Dashboard.Audit;

/// <summary>
/// Writes and reads the audit log. <see cref="Add"/> joins the caller's unit of work (the entry is
/// saved with the change it describes); <see cref="RecordAsync"/> saves at once, for changes made
/// elsewhere (the Broadcaster, Identity).
/// </summary>
public sealed class AuditLog(DashboardDbContext db, TimeProvider time)
{
    /// <summary>Who is acting: the signed-in user's email or the API key's name.</summary>
    public static string ActorOf(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    public void Add(ClaimsPrincipal actor, string action, string summary, Guid? alertId = null, object? before = null, object? after = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = ActorOf(actor),
            Action = action,
            AlertId = alertId,
            Summary = summary,
            Before = before is null ? null : JsonSerializer.Serialize(before, JsonSerializerOptions.Web),
            After = after is null ? null : JsonSerializer.Serialize(after, JsonSerializerOptions.Web),
        });

    public async Task RecordAsync(ClaimsPrincipal actor, string action, string summary, Guid? alertId = null, object? before = null, object? after = null)
    {
        Add(actor, action, summary, alertId, before, after);
        // Not cancelled with the request: what was done is recorded even if the caller has gone.
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Entries matching every filter given, newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> FindAsync(AuditFilter filter, int take, CancellationToken cancellationToken)
    {
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            query = query.Where(e => e.Actor.Contains(filter.Actor.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            query = query.Where(e => e.Action == filter.Action);
        }

        if (filter.AlertId is { } alertId)
        {
            query = query.Where(e => e.AlertId == alertId);
        }

        if (filter.From?.ToUniversalTime() is { } from)
        {
            query = query.Where(e => e.At >= from);
        }

        if (filter.To?.ToUniversalTime() is { } to)
        {
            query = query.Where(e => e.At < to);
        }

        // Ids grow with time: newest first without ordering by instant.
        return await query.OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);
    }
}

/// <summary>What the audit page and its CSV export are filtered by; every part optional.</summary>
public sealed record AuditFilter(string? Actor = null, string? Action = null, Guid? AlertId = null, DateTimeOffset? From = null, DateTimeOffset? To = null);
