using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.Dashboard.Identity;
using AlertBroadcaster.ServiceDefaults;
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

    public static IEndpointRouteBuilder MapSubscribersApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/subscribers").RequireAuthorization(StaffAuthentication.SubscriberAdminPolicy);
        api.MapPost("/import", ImportAsync).WithMetadata(new RequestSizeLimitAttribute(MaxImportBytes));
        api.MapGet("/stats", StatsAsync);
        return endpoints;
    }

    public sealed record ImportResponse(int Imported, int Updated, IReadOnlyList<ImportRejection> Rejected);

    internal static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, SubscriberImporter importer, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType || request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: "Send the list as CSV ('Content-Type: text/csv') with the header 'email,phone,sites,topics'.");
        }

        return await importer.ImportAsync(request.Body, http.User, cancellationToken) switch
        {
            ImportOutcome.Done done => TypedResults.Ok(new ImportResponse(done.Imported, done.Updated, done.Rejected)),
            ImportOutcome.NotAnImportFile bad => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an import file", detail: bad.Reason),
            ImportOutcome.Interrupted cut => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Channels unavailable",
                detail: $"The subscriber service did not answer. {cut.Stored} lines were stored before it stopped answering; sending the file again is safe."),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }

    internal static async Task<Results<Ok<Dictionary<string, object>>, ProblemHttpResult>> StatsAsync(
        IRequestClient<GetSubscriberStats> stats, CancellationToken cancellationToken)
    {
        try
        {
            var response = (await BrokerDeadline.RequestAsync(deadline => stats.GetResponse<SubscriberStats>(new GetSubscriberStats(), deadline), cancellationToken)).Message;
            // { "email": { "pending": 1, "active": 2, "unsubscribed": 0, "activeBySite": { "horton": 2 } } }
            return TypedResults.Ok(response.Channels.ToDictionary(
                c => c.Channel.ToString().ToLowerInvariant(),
                c => (object)new { pending = c.Pending, active = c.Active, unsubscribed = c.Unsubscribed, activeBySite = c.ActiveBySite, activeByTopic = c.ActiveByTopic }));
        }
        catch (RequestTimeoutException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Channels unavailable",
                detail: "The subscriber service did not answer. Try again shortly.");
        }
    }
}
