using System.Text.Json;
using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Approval;
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
        api.MapPut("/{id:guid}", UpdateAlert).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        api.MapPost("/{id:guid}/withdraw", WithdrawAlert);
        api.MapPost("/{id:guid}/approve", ApproveAlert);
        api.MapPost("/{id:guid}/reject", RejectAlert);
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
        HttpRequest request, AlertAuthoring authoring, AlertValidator validator, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var (content, urgentReason, problem) = await ReadAlertAsync(request, validator, time, cancellationToken);
        switch (problem)
        {
            case ValidationProblem invalid:
                return invalid;
            case ProblemHttpResult refused:
                return refused;
        }

        // 202 when the alert waits for approval (status "AwaitingApproval") or for an unreachable
        // Broadcaster (status "Queued"); either way it is stored and never lost.
        return await authoring.CreateAsync(content!, http.User, urgentReason, cancellationToken) switch
        {
            Authored.Sent { Submitted: Submitted.Answered { Outcome: AlertOutcome.Accepted a } } => TypedResults.Created($"/api/alerts/{a.Alert.Id}", AlertResponse.From(a.Alert)),
            Authored.Sent { Submitted: Submitted.Answered { Outcome: AlertOutcome.Rejected r } } => TypedResults.ValidationProblem(r.Errors),
            Authored.Sent { Submitted: Submitted.Queued q } => TypedResults.Accepted($"/api/alerts/{q.Alert.Id}", AlertResponse.From(q.Alert)),
            Authored.AwaitingApproval w => TypedResults.Accepted($"/api/alerts/{w.Approval.Id}", AlertResponse.From(w.Approval)),
            Authored.Forbidden f => Forbidden(f.Reason),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }

    /// <summary>
    /// A new revision: the whole alert as it should now be (the body of a create). <c>200</c> with
    /// the new revision; <c>202</c> while the change waits for approval (the alert is unchanged
    /// until then, and <c>pendingChange</c> shows it).
    /// </summary>
    internal static async Task<Results<Ok<AlertResponse>, Accepted<AlertResponse>, ValidationProblem, ProblemHttpResult>> UpdateAlert(
        Guid id, HttpRequest request, AlertAuthoring authoring, AlertValidator validator, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var (content, _, problem) = await ReadAlertAsync(request, validator, time, cancellationToken);
        switch (problem)
        {
            case ValidationProblem invalid:
                return invalid;
            case ProblemHttpResult refused:
                return refused;
        }

        try
        {
            return await authoring.UpdateAsync(id, content!, http.User, cancellationToken) switch
            {
                Authored.Updated { Outcome: AlertOutcome.Accepted a } => TypedResults.Ok(AlertResponse.From(a.Alert)),
                Authored.Updated { Outcome: AlertOutcome.Rejected r } => TypedResults.ValidationProblem(r.Errors),
                Authored.Updated { Outcome: AlertOutcome.NotFound } => NotFound(id),
                Authored.AwaitingApproval w => TypedResults.Accepted($"/api/alerts/{id}", AlertResponse.From(w.Approval)),
                Authored.Conflict c => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A change is already waiting", detail: c.Reason),
                var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
            };
        }
        catch (RequestTimeoutException)
        {
            return Unavailable();
        }
    }

    /// <summary>Reads and validates an alert body (create or update), or says what is wrong with it.</summary>
    private static async Task<(AlertContent? Content, string? UrgentReason, IResult? Problem)> ReadAlertAsync(
        HttpRequest request, AlertValidator validator, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: "Send the alert as JSON with 'Content-Type: application/json'."));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, null, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
                detail: $"An alert is at most {MaxBodyBytes / 1024} KB of JSON."));
        }

        AlertRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<AlertRequest>(request.Body, JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException ex)
        {
            return (null, null, TypedResults.ValidationProblem(JsonError(ex), detail: "The request body is not valid JSON for an alert."));
        }

        if (body is null)
        {
            return (null, null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["Send an alert as a JSON object."] }));
        }

        // Validated here for an immediate answer; the Broadcaster checks again before storing.
        var content = body.ToContent(time.GetUtcNow());
        var errors = validator.Validate(content);
        if (errors.Count > 0)
        {
            return (null, null, TypedResults.ValidationProblem(errors));
        }

        return (content, body.UrgentReason, null);
    }

    /// <summary>
    /// Alerts waiting for approval or sent back, then queued ones (they are the newest and need
    /// attention), then the Broadcaster's; <c>?status=</c> keeps one status.
    /// </summary>
    internal static async Task<Results<Ok<AlertListResponse>, ProblemHttpResult>> ListAlerts(
        AlertsClient alerts, QueuedAlerts queue, Approvals approvals, CancellationToken cancellationToken, string? status = null)
    {
        var held = (await approvals.ListOpenAsync(cancellationToken)).Select(AlertResponse.From).Reverse();
        var queued = (await queue.ListAsync(cancellationToken)).Select(AlertResponse.From).Reverse();
        try
        {
            var list = await alerts.ListAsync(200, cancellationToken);
            var all = held.Concat(queued).Concat(list.Select(AlertResponse.From));
            if (!string.IsNullOrWhiteSpace(status))
            {
                all = all.Where(a => string.Equals(a.Status, status.Trim(), StringComparison.OrdinalIgnoreCase));
            }

            return TypedResults.Ok(new AlertListResponse(all.ToList()));
        }
        catch (RequestTimeoutException)
        {
            return Unavailable();
        }
    }

    internal static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> GetAlert(
        Guid id, AlertsClient alerts, QueuedAlerts queue, Approvals approvals, DashboardDbContext db, CancellationToken cancellationToken)
    {
        var approval = await approvals.FindAsync(id, cancellationToken);
        if (approval is { HeldHere: true })
        {
            return TypedResults.Ok(AlertResponse.From(approval));
        }

        var approvalResponse = approval is null ? null : ApprovalResponse.From(approval);
        if (await queue.FindAsync(id, cancellationToken) is { } queued)
        {
            return TypedResults.Ok(AlertResponse.From(queued) with { Approval = approvalResponse });
        }

        try
        {
            if (await alerts.GetAsync(id, cancellationToken) is not { } alert)
            {
                return NotFound(id);
            }

            var counts = await db.DeliveryCounts.AsNoTracking().Where(d => d.AlertId == id).ToListAsync(cancellationToken);
            var pending = await approvals.FindAwaitingAsync(id, cancellationToken);
            return TypedResults.Ok(AlertResponse.From(alert) with
            {
                Delivery = DeliveryCountsResponse.For(alert.Content.Channels, counts),
                Approval = approvalResponse,
                PendingChange = pending is { Kind: ApprovalKind.Update } ? AlertResponse.From(pending) : null,
            });
        }
        catch (RequestTimeoutException)
        {
            return Unavailable();
        }
    }

    /// <summary>Takes an alert down; one not yet approved is cancelled (status "Cancelled") and never sent.</summary>
    internal static async Task<Results<Ok<AlertResponse>, ValidationProblem, ProblemHttpResult>> WithdrawAlert(
        Guid id, AlertAuthoring authoring, QueuedAlerts queue, HttpContext http, CancellationToken cancellationToken, bool notifySubscribers = false)
    {
        if (await queue.FindAsync(id, cancellationToken) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Alert still queued",
                detail: "This alert is waiting for the Broadcaster; it can be withdrawn once the Broadcaster has it (usually within seconds of it coming back).");
        }

        // ?notifySubscribers=true: those already emailed get a short "withdrawn" note.
        try
        {
            return await authoring.WithdrawAsync(id, http.User, notifySubscribers, cancellationToken) switch
            {
                Withdrawn.Cancelled c => TypedResults.Ok(AlertResponse.From(c.Approval)),
                Withdrawn.ByBroadcaster { Outcome: AlertOutcome.Accepted a } => TypedResults.Ok(AlertResponse.From(a.Alert)),
                Withdrawn.ByBroadcaster { Outcome: AlertOutcome.Rejected r } => TypedResults.ValidationProblem(r.Errors),
                Withdrawn.ByBroadcaster { Outcome: AlertOutcome.NotFound n } => NotFound(n.AlertId),
                var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
            };
        }
        catch (RequestTimeoutException)
        {
            return Unavailable();
        }
    }

    /// <summary>An Approver (not the alert's author) approves it: it is sent on at once.</summary>
    internal static async Task<Results<Ok<AlertResponse>, ValidationProblem, ProblemHttpResult>> ApproveAlert(
        Guid id, Approvals approvals, AlertsClient alerts, QueuedAlerts queue, DashboardDbContext db, HttpContext http, CancellationToken cancellationToken,
        [FromBody] ApprovalDecision? decision = null) =>
        await Decided(await approvals.ApproveAsync(id, decision?.RequestId, http.User, decision?.Comment, cancellationToken), alerts, queue, approvals, db, cancellationToken);

    /// <summary>An Approver (not the alert's author) sends it back with a comment saying why; it is never sent.</summary>
    internal static async Task<Results<Ok<AlertResponse>, ValidationProblem, ProblemHttpResult>> RejectAlert(
        Guid id, Approvals approvals, AlertsClient alerts, QueuedAlerts queue, DashboardDbContext db, HttpContext http, CancellationToken cancellationToken,
        [FromBody] ApprovalDecision? decision = null) =>
        await Decided(await approvals.RejectAsync(id, decision?.RequestId, http.User, decision?.Comment, cancellationToken), alerts, queue, approvals, db, cancellationToken);

    private static async Task<Results<Ok<AlertResponse>, ValidationProblem, ProblemHttpResult>> Decided(
        Decision decision, AlertsClient alerts, QueuedAlerts queue, Approvals approvals, DashboardDbContext db, CancellationToken cancellationToken)
    {
        switch (decision)
        {
            case Decision.Done { Outcome: AlertOutcome.Rejected rejected }:
                return TypedResults.ValidationProblem(rejected.Errors, detail: "Approved, but the alert service refused the alert; its author must correct it.");
            case Decision.Done done:
                return await GetAlert(done.Approval.Id, alerts, queue, approvals, db, cancellationToken) switch
                {
                    { Result: Ok<AlertResponse> ok } => ok,
                    { Result: ProblemHttpResult problem } => problem,
                    _ => throw new InvalidOperationException("Unexpected answer."),
                };
            case Decision.NotFound n:
                return NotFound(n.AlertId);
            case Decision.Forbidden f:
                return Forbidden(f.Reason);
            case Decision.Conflict c:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not waiting for approval", detail: c.Reason);
            case Decision.Invalid i:
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [i.Field] = [i.Message] });
            case Decision.Unavailable:
                return Unavailable();
            default:
                throw new InvalidOperationException($"Unexpected decision {decision}.");
        }
    }

    public sealed record RetryResponse(Guid AlertId, string Channel, int Retried);

    /// <summary>Sends again to the recipients that failed permanently (after fixing the cause, say a mail server setting).</summary>
    internal static async Task<Results<Ok<RetryResponse>, ProblemHttpResult>> RetryFailed(
        Guid id, string channel, AlertAuthoring authoring, HttpContext http, CancellationToken cancellationToken)
    {
        if (!TryParseSendingChannel(channel, out var parsed))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown channel",
                detail: $"'{channel}' is not a channel that sends to people; use email or sms.");
        }

        try
        {
            var retried = await authoring.RetryFailedAsync(id, parsed, http.User, cancellationToken);
            return TypedResults.Ok(new RetryResponse(id, channel.ToLowerInvariant(), retried));
        }
        catch (RequestTimeoutException)
        {
            return Unavailable();
        }
    }

    /// <summary><c>email</c> or <c>sms</c> (any case): a channel that sends to people. Not the banner, not a number.</summary>
    internal static bool TryParseSendingChannel(string value, out AlertChannel channel) =>
        Enum.TryParse(value, ignoreCase: true, out channel) && channel != AlertChannel.Banner && !int.TryParse(value, out _);

    private static ProblemHttpResult Forbidden(string reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: reason);

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
