using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// Twilio Programmable Messaging: <c>POST {BaseUrl}/2010-04-01/Accounts/{Sid}/Messages.json</c> with
/// basic authentication and the form fields To, From (or MessagingServiceSid), Body, StatusCallback.
/// </summary>
public sealed class TwilioSmsProvider(HttpClient http, IOptions<SmsOptions> options) : ISmsProvider
{
    public const string ReceiptPath = "sms/receipts/twilio";
    public const string InboundPath = "sms/inbound/twilio";

    public SmsProviderName Name => SmsProviderName.Twilio;

    public Task WarmUpAsync(CancellationToken cancellationToken) => SmsHttp.WarmUpAsync(http, options.Value.Twilio.BaseUrl, cancellationToken);

    public async Task<SmsAccepted> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var twilio = settings.Twilio;
        var fields = new List<KeyValuePair<string, string>> { new("To", message.To), new("Body", message.Body) };
        fields.Add(string.IsNullOrEmpty(twilio.MessagingServiceSid) ? new("From", twilio.From!) : new("MessagingServiceSid", twilio.MessagingServiceSid));
        // Our reference in the callback address: the receipt finds its delivery even if it beats our ledger write.
        fields.Add(new("StatusCallback", settings.CallbackUrl($"{ReceiptPath}?reference={Uri.EscapeDataString(message.Reference)}").ToString()));

        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"{twilio.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(twilio.AccountSid!)}/Messages.json")
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));

        using var response = await SmsHttp.SendAsync(http, request, Name, cancellationToken);
        var json = await SmsHttp.ReadJsonAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created || response.IsSuccessStatusCode)
        {
            return new SmsAccepted(Name.ToString(), json?.GetProperty("sid").GetString()
                ?? throw new SmsTemporaryException(Name, "accepted without a message sid"));
        }

        var detail = json is { } error && error.TryGetProperty("message", out var text)
            ? $"{(error.TryGetProperty("code", out var code) ? code.ToString() + " " : "")}{text.GetString()}"
            : response.ReasonPhrase ?? "";
        throw SmsHttp.Classify(Name, response, detail);
    }
}

/// <summary>What the two HTTP providers share: sending, reading JSON, and which answers are worth retrying.</summary>
internal static class SmsHttp
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, SmsProviderName provider, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new SmsTemporaryException(provider, $"no connection ({ex.Message})", inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SmsTemporaryException(provider, "no answer in time", inner: ex);
        }
    }

    /// <summary>A GET of the API's root: whatever it answers, the connection and the code path are ready.</summary>
    public static async Task WarmUpAsync(HttpClient http, string baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(baseUrl, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Down or unreachable: the real request will say so properly.
        }
    }

    public static async Task<JsonElement?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return string.IsNullOrWhiteSpace(body) ? null : JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// 429 and 5xx: later, after Retry-After. 401/403: our credentials are wrong, which is no fault of
    /// the recipient, so also later (and loudly). Any other 4xx: this number, never.
    /// </summary>
    public static Exception Classify(SmsProviderName provider, HttpResponseMessage response, string detail)
    {
        var status = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter is { } header
            ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
            : null;
        return status is 429 or >= 500 or 401 or 403
            ? new SmsTemporaryException(provider, $"{status} {detail}", retryAfter, rateLimited: status == 429)
            : new SmsRefusedException(provider, $"{status} {detail}");
    }
}
