using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.Dashboard.Identity;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AlertBroadcaster.Dashboard.Subscribers;

/// <summary>
/// Subscriber lists for staff: <c>POST /api/subscribers/import</c> and <c>GET /api/subscribers/stats</c>.
/// Channels owns the subscribers; these forward to it over the bus.
/// </summary>
public static class SubscribersApi
{
    /// <summary>About 200,000 lines of a typical export.</summary>
    public const long MaxImportBytes = 20 * 1024 * 1024;

    /// <summary>Lines per request to Channels: small messages, quick answers.</summary>
    private const int ChunkSize = 2000;

    public static IEndpointRouteBuilder MapSubscribersApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/subscribers").RequireAuthorization(StaffAuthentication.SubscriberAdminPolicy);
        api.MapPost("/import", ImportAsync).WithMetadata(new RequestSizeLimitAttribute(MaxImportBytes));
        api.MapGet("/stats", StatsAsync);
        return endpoints;
    }

    public sealed record ImportResponse(int Imported, int Updated, IReadOnlyList<ImportRejection> Rejected);

    internal static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, IRequestClient<ImportSubscribers> import, AuditLog audit, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType || request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: "Send the list as CSV ('Content-Type: text/csv') with the header 'email,phone,sites,topics'.");
        }

        var (rows, rejected, error) = await SubscriberCsv.ReadAsync(request.Body, cancellationToken);
        if (error is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an import file", detail: error);
        }

        int imported = 0, updated = 0;
        var who = http.User.Identity?.Name ?? "unknown";
        try
        {
            foreach (var chunk in rows.Chunk(ChunkSize))
            {
                var result = (await import.GetResponse<SubscribersImported>(new ImportSubscribers(chunk, who), cancellationToken, RequestTimeout.After(s: 60))).Message;
                imported += result.Imported;
                updated += result.Updated;
                rejected.AddRange(result.Rejected);
            }
        }
        catch (RequestTimeoutException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Channels unavailable",
                detail: $"The subscriber service did not answer. {imported + updated} lines were stored before it stopped answering; sending the file again is safe.");
        }

        await audit.RecordAsync(http.User, AuditActions.SubscribersImported, $"{imported} imported, {updated} updated, {rejected.Count} lines rejected");
        return TypedResults.Ok(new ImportResponse(imported, updated, rejected.OrderBy(r => r.Line).ToList()));
    }

    internal static async Task<Results<Ok<Dictionary<string, object>>, ProblemHttpResult>> StatsAsync(
        IRequestClient<GetSubscriberStats> stats, CancellationToken cancellationToken)
    {
        try
        {
            var response = (await stats.GetResponse<SubscriberStats>(new GetSubscriberStats(), cancellationToken)).Message;
            // { "email": { "pending": 1, "active": 2, "unsubscribed": 0, "activeBySite": { "horton": 2 } } }
            return TypedResults.Ok(response.Channels.ToDictionary(
                c => c.Channel.ToString().ToLowerInvariant(),
                c => (object)new { pending = c.Pending, active = c.Active, unsubscribed = c.Unsubscribed, activeBySite = c.ActiveBySite }));
        }
        catch (RequestTimeoutException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Channels unavailable",
                detail: "The subscriber service did not answer. Try again shortly.");
        }
    }
}
