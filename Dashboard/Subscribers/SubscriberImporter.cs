using System.Security.Claims;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;

namespace AlertBroadcaster.Dashboard.Subscribers;

/// <summary>
/// A CSV list of subscribers (<c>email,phone,sites,topics</c>) sent to Channels in chunks and
/// audited; the same for the API and the Admins' page.
/// </summary>
public sealed class SubscriberImporter(IRequestClient<ImportSubscribers> import, AuditLog audit)
{
    /// <summary>Lines per request to Channels: small messages, quick answers.</summary>
    private const int ChunkSize = 2000;

    /// <summary>A chunk is written in one transaction: longer than a query, well short of a browser giving up.</summary>
    private static readonly RequestTimeout ChunkTimeout = RequestTimeout.After(s: 60);

    public async Task<ImportOutcome> ImportAsync(Stream csv, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (rows, rejected, error) = await SubscriberCsv.ReadAsync(csv, cancellationToken);
        if (error is not null)
        {
            return new ImportOutcome.NotAnImportFile(error);
        }

        int imported = 0, updated = 0;
        try
        {
            foreach (var chunk in rows.Chunk(ChunkSize))
            {
                var result = (await BrokerDeadline.RequestAsync(deadline => import.GetResponse<SubscribersImported>(new ImportSubscribers(chunk, AuditLog.ActorOf(user)), deadline, ChunkTimeout), cancellationToken, ChunkTimeout)).Message;
                imported += result.Imported;
                updated += result.Updated;
                rejected.AddRange(result.Rejected);
            }
        }
        catch (RequestTimeoutException)
        {
            await audit.RecordAsync(user, AuditActions.SubscribersImported, $"interrupted: {imported} imported, {updated} updated before Channels stopped answering");
            return new ImportOutcome.Interrupted(imported + updated);
        }

        await audit.RecordAsync(user, AuditActions.SubscribersImported, $"{imported} imported, {updated} updated, {rejected.Count} lines rejected");
        return new ImportOutcome.Done(imported, updated, rejected.OrderBy(r => r.Line).ToList());
    }
}

public abstract record ImportOutcome
{
    public sealed record Done(int Imported, int Updated, IReadOnlyList<ImportRejection> Rejected) : ImportOutcome;

    public sealed record NotAnImportFile(string Reason) : ImportOutcome;

    /// <summary>Channels stopped answering after <see cref="Stored"/> lines; importing the file again is safe.</summary>
    public sealed record Interrupted(int Stored) : ImportOutcome;
}
