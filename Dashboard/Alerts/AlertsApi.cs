using System.Text.Json;
using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Identity;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>The staff JSON API under <c>/api/alerts</c>: bearer API key or signed-in cookie.</summary>
public static class AlertsApi
{
    /// <summary>An alert is a few KB at most; anything far larger is refused before it is read.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/alerts")
            .RequireAuthorization(StaffAuthentication.ApiPolicy)
            .AddEndpointFilter(RequireCustomHeaderForCookiePosts);
        api.MapPost("/", CreateAlert).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        api.MapGet("/", ListAlerts);
        api.MapGet("/{id:guid}", GetAlert);
        api.MapPost("/{id:guid}/withdraw", WithdrawAlert);
        api.MapPost("/{id:guid}/deliveries/{channel}/retry-failed", RetryFailed);
        api.MapGet("/{id:guid}/progress", DeliveryProgressStream.Stream);
        return endpoints;
    }

    /// <summary>The header a same-origin script sends with a signed-in (cookie) POST.</summary>
    public const string CsrfHeader = "X-Requested-With";

    /// <summary>
    /// CSRF defence for cookie-authenticated changes: a cross-site page cannot add a custom header
    /// without a CORS preflight, which this API never grants. Bearer keys are not sent by
    /// browsers on their own, so they need no such header.
    /// </summary>
    private static async ValueTask<object?> RequireCustomHeaderForCookiePosts(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsPost(request.Method) && !ApiKeyAuthenticationHandler.HasBearer(request) && !request.Headers.ContainsKey(CsrfHeader))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing header",
                detail: $"Signed-in requests that change something must send the '{CsrfHeader}' header.");
        }

        return await next(context);
    }

    internal static async Task<Results<Created<AlertResponse>, Accepted<AlertResponse>, ValidationProblem, ProblemHttpResult>> CreateAlert(
        HttpRequest request, AlertSubmission submission, AlertValidator validator, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: "Send the alert as JSON with 'Content-Type: application/json'.");
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
                detail: $"An alert is at most {MaxBodyBytes / 1024} KB of JSON.");
        }

        AlertRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<AlertRequest>(request.Body, JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(JsonError(ex), detail: "The request body is not valid JSON for an alert.");
        }

        if (body is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["Send an alert as a JSON object."] });
        }

        // Validated here for an immediate answer; the Broadcaster checks again before storing.
        var content = body.ToContent(time.GetUtcNow());
        var errors = validator.Validate(content);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Broadcaster unreachable: 202 and the alert is queued (status "Queued"), never lost.
        var command = new PublishAlert(Guid.NewGuid(), content, http.User.Identity?.Name ?? "unknown");
        return await submission.SubmitAsync(command, cancellationToken) switch
        {
            Submitted.Answered { Outcome: AlertOutcome.Accepted a } => TypedResults.Created($"/api/alerts/{a.Alert.Id}", AlertResponse.From(a.Alert)),
            Submitted.Answered { Outcome: AlertOutcome.Rejected r } => TypedResults.ValidationProblem(r.Errors),
            Submitted.Queued q => TypedResults.Accepted($"/api/alerts/{q.Alert.Id}", AlertResponse.From(q.Alert)),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }

    /// <summary>Queued alerts first (they are the newest and need attention), then the Broadcaster's.</summary>
    internal static async Task<Results<Ok<AlertListResponse>, ProblemHttpResult>> ListAlerts(
        AlertsClient alerts, QueuedAlerts queue, CancellationToken cancellationToken)
    {
        var queued = (await queue.ListAsync(cancellationToken)).Select(AlertResponse.From).Reverse();
        try
        {
            var list = await alerts.ListAsync(200, cancellationToken);
            return TypedResults.Ok(new AlertListResponse(queued.Concat(list.Select(AlertResponse.From)).ToList()));
        }
        catch (RequestTimeoutException)
        {
            return Unavailable();
        }
    }

    internal static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> GetAlert(
        Guid id, AlertsClient alerts, QueuedAlerts queue, DashboardDbContext db, CancellationToken cancellationToken)
    {
        if (await queue.FindAsync(id, cancellationToken) is { } queued)
        {
            return TypedResults.Ok(AlertResponse.From(queued));
        }

        try
        {
            if (await alerts.GetAsync(id, cancellationToken) is not { } alert)
            {
                return NotFound(id);
            }

            var counts = await db.DeliveryCounts.AsNoTracking().Where(d => d.AlertId == id).ToListAsync(cancellationToken);
            return TypedResults.Ok(AlertResponse.From(alert) with
            {
                Delivery = DeliveryCountsResponse.For(alert.Content.Channels, counts),
            });
        }
        catch (RequestTimeoutException)
        {
            return Unavailable();
        }
    }

    internal static async Task<Results<Ok<AlertResponse>, ValidationProblem, ProblemHttpResult>> WithdrawAlert(
        Guid id, AlertsClient alerts, QueuedAlerts queue, HttpContext http, CancellationToken cancellationToken, bool notifySubscribers = false)
    {
        if (await queue.FindAsync(id, cancellationToken) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Alert still queued",
                detail: "This alert is waiting for the Broadcaster; it can be withdrawn once the Broadcaster has it (usually within seconds of it coming back).");
        }

        // ?notifySubscribers=true: those already emailed get a short "withdrawn" note.
        var command = new WithdrawAlert(id, http.User.Identity?.Name ?? "unknown", notifySubscribers);
        return await Answer(() => alerts.WithdrawAsync(command, cancellationToken), a => TypedResults.Ok(AlertResponse.From(a)));
    }

    public sealed record RetryResponse(Guid AlertId, string Channel, int Retried);

    /// <summary>Sends again to the recipients that failed permanently (after fixing the cause, say a mail server setting).</summary>
    internal static async Task<Results<Ok<RetryResponse>, ProblemHttpResult>> RetryFailed(
        Guid id, string channel, IRequestClient<RetryFailedDeliveries> retry, HttpContext http, CancellationToken cancellationToken)
    {
        if (!TryParseSendingChannel(channel, out var parsed))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown channel",
                detail: $"'{channel}' is not a channel that sends to people; use email or sms.");
        }

        try
        {
            var response = await retry.GetResponse<FailedDeliveriesRetried>(new RetryFailedDeliveries(id, parsed, http.User.Identity?.Name ?? "unknown"), cancellationToken);
            return TypedResults.Ok(new RetryResponse(id, channel.ToLowerInvariant(), response.Message.Retried));
        }
        catch (RequestTimeoutException)
        {
            return Unavailable();
        }
    }

    /// <summary><c>email</c> or <c>sms</c> (any case): a channel that sends to people. Not the banner, not a number.</summary>
    internal static bool TryParseSendingChannel(string value, out AlertChannel channel) =>
        Enum.TryParse(value, ignoreCase: true, out channel) && channel != AlertChannel.Banner && !int.TryParse(value, out _);

    /// <summary>Turns a command's outcome into the API's answer.</summary>
    private static async Task<Results<TSuccess, ValidationProblem, ProblemHttpResult>> Answer<TSuccess>(
        Func<Task<AlertOutcome>> send, Func<AlertDetails, TSuccess> success)
        where TSuccess : IResult
    {
        try
        {
            return await send() switch
            {
                AlertOutcome.Accepted a => success(a.Alert),
                AlertOutcome.Rejected r => TypedResults.ValidationProblem(r.Errors),
                AlertOutcome.NotFound n => NotFound(n.AlertId),
                var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
            };
        }
        catch (RequestTimeoutException)
        {
            return Unavailable();
        }
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Alert not found", detail: $"There is no alert {id}.");

    private static ProblemHttpResult Unavailable() =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Broadcaster unavailable",
            detail: "The Broadcaster did not answer in time. Nothing was lost; try again shortly.");

    /// <summary>Names the field a JSON error is in ("$.link.url" → "link.url") and what it accepts.</summary>
    private static Dictionary<string, string[]> JsonError(JsonException ex)
    {
        var field = ex.Path is { Length: > 2 } path ? path[2..] : "$";
        var accepted = field.Split('[', '.')[0] switch
        {
            "kind" => $" Use one of {string.Join(", ", Enum.GetNames<AlertKind>())}.",
            "severity" => $" Use one of {string.Join(", ", Enum.GetNames<AlertSeverity>())}.",
            "channels" => " Use a list of banner, email, sms.",
            "effectiveFrom" or "expiresAt" => " Use an ISO 8601 time with its offset, e.g. 2026-12-01T08:00:00Z.",
            _ => "",
        };
        var message = field == "$" ? "The request body is not valid JSON." : $"The value of '{field}' is not valid.{accepted}";
        return new Dictionary<string, string[]> { [field] = [message] };
    }
}
