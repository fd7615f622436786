using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// What the providers call: delivery receipts and received texts (STOP). Twilio's calls are checked
/// with <c>X-Twilio-Signature</c> (HMAC-SHA1 of the public URL and the form, keyed with the auth
/// token); Notify's carry the bearer token configured in Notify (<c>Sms:Notify:CallbackToken</c>).
/// Anything else is a 403 and changes nothing.
/// </summary>
public static class SmsWebhooks
{
    public static IEndpointRouteBuilder MapSmsWebhooks(this IEndpointRouteBuilder endpoints)
    {
        var sms = endpoints.MapGroup("/sms").AllowAnonymous().DisableAntiforgery().WithTags("SMS webhooks");
        sms.MapPost("/receipts/twilio", TwilioReceiptAsync);
        sms.MapPost("/inbound/twilio", TwilioInboundAsync);
        sms.MapPost("/receipts/notify", NotifyReceiptAsync);
        sms.MapPost("/inbound/notify", NotifyInboundAsync);
        return endpoints;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> TwilioReceiptAsync(
        HttpRequest request, [FromQuery] string? reference, IOptions<SmsOptions> options, SmsReceipts receipts, CancellationToken cancellationToken)
    {
        if (await ReadFormAsync(request, cancellationToken) is not { } form)
        {
            return NotAForm();
        }

        if (!IsSignedByTwilio(request, form, options.Value))
        {
            return Forbidden("The X-Twilio-Signature header is missing or does not match.");
        }

        var status = form["MessageStatus"].ToString() switch
        {
            "delivered" => ReceiptStatus.Delivered,
            "undelivered" or "failed" => ReceiptStatus.Failed,
            _ => ReceiptStatus.InProgress,
        };
        var error = form["ErrorCode"].ToString() is { Length: > 0 } code ? $"Twilio {form["MessageStatus"]} (error {code})" : null;
        await receipts.ApplyAsync(SmsProviderName.Twilio, reference, form["MessageSid"].ToString(), status, error, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Answers with empty TwiML: Twilio's own opt-out handling already replies to STOP.</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> TwilioInboundAsync(
        HttpRequest request, IOptions<SmsOptions> options, SmsSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        if (await ReadFormAsync(request, cancellationToken) is not { } form)
        {
            return NotAForm();
        }

        if (!IsSignedByTwilio(request, form, options.Value))
        {
            return Forbidden("The X-Twilio-Signature header is missing or does not match.");
        }

        await subscriptions.HandleInboundAsync(form["From"].ToString(), form["Body"].ToString(), cancellationToken);
        return TypedResults.Content("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>", "text/xml");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> NotifyReceiptAsync(
        HttpRequest request, IOptions<SmsOptions> options, SmsReceipts receipts, CancellationToken cancellationToken)
    {
        if (!HasNotifyToken(request, options.Value))
        {
            return Forbidden("The bearer token is missing or is not Sms:Notify:CallbackToken.");
        }

        if (await ReadJsonAsync(request, cancellationToken) is not { } json)
        {
            return TypedResults.Problem("The body must be Notify's JSON receipt.", statusCode: StatusCodes.Status400BadRequest);
        }

        var notifyStatus = Text(json, "status");
        var status = notifyStatus switch
        {
            "delivered" => ReceiptStatus.Delivered,
            "permanent-failure" or "temporary-failure" or "technical-failure" => ReceiptStatus.Failed,
            _ => ReceiptStatus.InProgress,
        };
        await receipts.ApplyAsync(SmsProviderName.Notify, Text(json, "reference"), Text(json, "id"), status,
            status == ReceiptStatus.Failed ? $"Notify {notifyStatus}" : null, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> NotifyInboundAsync(
        HttpRequest request, IOptions<SmsOptions> options, SmsSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        if (!HasNotifyToken(request, options.Value))
        {
            return Forbidden("The bearer token is missing or is not Sms:Notify:CallbackToken.");
        }

        if (await ReadJsonAsync(request, cancellationToken) is not { } json)
        {
            return TypedResults.Problem("The body must be Notify's JSON received-text callback.", statusCode: StatusCodes.Status400BadRequest);
        }

        await subscriptions.HandleInboundAsync(Text(json, "source_number"), Text(json, "message"), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Twilio's scheme: base64(HMAC-SHA1(auth token, URL + each form key and value in key order)).</summary>
    public static string TwilioSignature(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in form.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    private static bool IsSignedByTwilio(HttpRequest request, IFormCollection form, SmsOptions options)
    {
        if (string.IsNullOrEmpty(options.Twilio.AuthToken) || request.Headers["X-Twilio-Signature"].ToString() is not { Length: > 0 } given)
        {
            return false;
        }

        // The URL as Twilio was given it: the public address, not whatever a proxy made of it.
        var url = options.CallbackUrl(request.Path.ToString().TrimStart('/') + request.QueryString).ToString();
        var expected = TwilioSignature(options.Twilio.AuthToken, url, form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));
    }

    private static bool HasNotifyToken(HttpRequest request, SmsOptions options) =>
        options.Notify.CallbackToken is { Length: > 0 } token
        && request.Headers.Authorization.ToString() is { } header
        && header.StartsWith("Bearer ", StringComparison.Ordinal)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), Encoding.UTF8.GetBytes(token));

    /// <summary>The form, or null when it cannot be decoded (a %00, too many values): a 400, not a 500.</summary>
    private static async Task<IFormCollection?> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return null;
        }

        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static ProblemHttpResult NotAForm() =>
        TypedResults.Problem("The body must be Twilio's form-encoded callback.", statusCode: StatusCodes.Status400BadRequest);

    private static async Task<JsonElement?> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Not from the SMS provider");
}
