using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AlertBroadcaster.TestSupport;

/// <summary>
/// A stand-in for Twilio and GOV.UK Notify on a loopback port, speaking their real HTTP APIs:
/// Twilio's <c>POST /2010-04-01/Accounts/{Sid}/Messages.json</c> (basic auth, form fields) and
/// Notify's <c>POST /v2/notifications/sms</c> (HS256 JWT checked with the key's secret). It
/// records every request with the time it arrived, answers 201 or, on demand, 429 / 500 / 503, and
/// sends the providers' delivery receipts to the callback addresses, signed as they sign them.
/// </summary>
public sealed class FakeSmsProvider : IAsyncDisposable
{
    public const string TwilioSid = "AC00000000000000000000000000000001";
    public const string TwilioToken = "fake-twilio-auth-token-0123456789";
    public const string TwilioFrom = "+447400000001";
    public const string NotifyServiceId = "26785a09-ab16-4eb0-8407-a37497a57506";
    public const string NotifySecret = "3d844edf-8d35-48ac-975b-e847b4f122b0";
    public const string NotifyApiKey = $"alerts_test-{NotifyServiceId}-{NotifySecret}";
    public const string NotifyTemplateId = "f33517ff-2a88-4f6e-b855-c550268ce08a";
    public const string NotifyCallbackToken = "notify-callback-token-0123456789";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SmsRequest> _requests = new();
    private readonly ConcurrentQueue<int> _scripted = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _ids;
    private DateTimeOffset _downUntil = DateTimeOffset.MinValue;
    private string? _downProvider;
    private bool _downRetryAfter;

    private FakeSmsProvider(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Every request, accepted or not, in arrival order.</summary>
    public IReadOnlyCollection<SmsRequest> Requests => _requests;

    /// <summary>The messages answered 201: what phones would receive.</summary>
    public List<SmsRequest> Accepted => _requests.Where(r => r.Status == 201).ToList();

    /// <summary>Where receipts go. Null: to the callback URL as given; else the URL's path on this client (an in-memory test host).</summary>
    public HttpClient? CallbackClient { get; set; }

    /// <summary>Send a "delivered" receipt for each accepted message (the default) or a failure for these numbers.</summary>
    public bool SendReceipts { get; set; } = true;

    public HashSet<string> UndeliverableNumbers { get; } = [];

    /// <summary>Numbers the provider refuses outright (400, as for an invalid or blocked number).</summary>
    public HashSet<string> RefusedNumbers { get; } = [];

    public static async Task<FakeSmsProvider> StartAsync(int port = 0)
    {
        port = port == 0 ? LoopbackPort.Free() : port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        // Arrival times are the SMS rate tests' clock, so they are taken as near the wire as this
        // process allows: Kestrel runs a request on the thread that completed its read instead of
        // queueing it again (one pass through the thread pool, not two). In a busy test process
        // (it also runs the tests, watches child processes and sends receipts), two requests from
        // different replicas waiting in the pool together were once stamped in the same millisecond,
        // which made the senders look bunched when they were not. Dashboard.Tests also keeps a pool
        // minimum, as tests/FakeSms does.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSmsProvider(app, port);
        app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", (Func<HttpContext, string, Task<IResult>>)fake.TwilioAsync);
        app.MapPost("/v2/notifications/sms", (Func<HttpContext, Task<IResult>>)fake.NotifyAsync);
        // For trying outages by hand: POST /outage?seconds=60[&provider=Twilio]
        app.MapPost("/outage", (double seconds, string? provider) => fake.GoDown(TimeSpan.FromSeconds(seconds), provider));
        app.MapGet("/stats", () =>
        {
            var accepted = fake.Accepted;
            return Results.Json(new
            {
                requests = fake.Requests.Count,
                accepted = accepted.Count,
                distinctNumbers = accepted.Select(r => r.To).Distinct().Count(),
                maxInAnySecond = fake.MaxInAnyWindow(TimeSpan.FromSeconds(1)),
                firstSeconds = accepted.Count == 0 ? 0 : accepted.Min(r => r.ArrivedAt).TotalSeconds,
                lastSeconds = accepted.Count == 0 ? 0 : accepted.Max(r => r.ArrivedAt).TotalSeconds,
                // Where a sender fell behind: the longest pauses between arrivals (seconds since start, length in ms).
                longestGaps = accepted.Select(r => r.ArrivedAt).Order().Pairwise()
                    .OrderByDescending(g => g.Next - g.Previous).Take(10)
                    .Select(g => new { at = Math.Round(g.Previous.TotalSeconds, 2), ms = Math.Round((g.Next - g.Previous).TotalMilliseconds) }),
            });
        });
        // Every accepted request's arrival (ms since start), for looking at a run by hand.
        app.MapGet("/arrivals", () => fake.Accepted.Select(r => Math.Round(r.ArrivedAt.TotalMilliseconds, 2)).Order());
        await app.StartAsync();
        return fake;
    }

    /// <summary>The next requests get these statuses (429 comes with Retry-After: 1), then 201 again.</summary>
    public void Script(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _scripted.Enqueue(status);
        }
    }

    /// <summary>
    /// Every request (or only those to "Twilio" or "Notify") answered 503 for this long from now; with
    /// <paramref name="retryAfter"/>, each answer says Retry-After: 1, so a sender's own tries take seconds, not minutes.
    /// </summary>
    public void GoDown(TimeSpan duration, string? provider = null, bool retryAfter = false)
    {
        _downProvider = provider;
        _downRetryAfter = retryAfter;
        _downUntil = DateTimeOffset.UtcNow + duration;
    }

    public void ComeBack() => _downUntil = DateTimeOffset.MinValue;

    /// <summary>The largest number of requests that arrived within any window of the given length.</summary>
    public int MaxInAnyWindow(TimeSpan window, bool acceptedOnly = false)
    {
        var times = _requests.Where(r => !acceptedOnly || r.Status == 201).Select(r => r.ArrivedAt).Order().ToList();
        var (max, start) = (0, 0);
        for (var end = 0; end < times.Count; end++)
        {
            while (times[end] - times[start] >= window)
            {
                start++;
            }

            max = Math.Max(max, end - start + 1);
        }

        return max;
    }

    private async Task<IResult> TwilioAsync(HttpContext http, string sid)
    {
        var arrived = _clock.Elapsed;
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioSid}:{TwilioToken}"));
        if (sid != TwilioSid || http.Request.Headers.Authorization != expected)
        {
            return Record(arrived, "Twilio", "", "", null, null, 401,
                Results.Json(new { code = 20003, message = "Authenticate", more_info = "https://www.twilio.com/docs/errors/20003", status = 401 }, statusCode: 401));
        }

        var form = await http.Request.ReadFormAsync();
        var to = form["To"].ToString();
        var body = form["Body"].ToString();
        var callback = form["StatusCallback"].ToString();
        if (to.Length == 0 || body.Length == 0 || (form["From"].Count == 0 && form["MessagingServiceSid"].Count == 0))
        {
            return Record(arrived, "Twilio", to, body, callback, null, 400,
                Results.Json(new { code = 21604, message = "A 'To', 'Body' and 'From' or 'MessagingServiceSid' are required.", status = 400 }, statusCode: 400));
        }

        if (Refusal(arrived, "Twilio", to, body, callback) is { } refusal)
        {
            return refusal;
        }

        if (RefusedNumbers.Contains(to))
        {
            return Record(arrived, "Twilio", to, body, callback, null, 400,
                Results.Json(new { code = 21211, message = $"The 'To' number {to} is not a valid phone number.", status = 400 }, statusCode: 400));
        }

        var messageSid = $"SM{Interlocked.Increment(ref _ids):D32}";
        Record(arrived, "Twilio", to, body, callback, messageSid, 201, Results.Empty);
        if (SendReceipts && callback.Length > 0)
        {
            var fields = new Dictionary<string, string>
            {
                ["AccountSid"] = TwilioSid,
                ["MessageSid"] = messageSid,
                ["MessageStatus"] = UndeliverableNumbers.Contains(to) ? "undelivered" : "delivered",
                ["To"] = to,
                ["From"] = TwilioFrom,
            };
            if (UndeliverableNumbers.Contains(to))
            {
                fields["ErrorCode"] = "30003";
            }

            _ = SendTwilioCallbackAsync(callback, fields);
        }

        return Results.Json(new { sid = messageSid, status = "queued", to, body, account_sid = TwilioSid, num_segments = "1" }, statusCode: 201);
    }

    private async Task<IResult> NotifyAsync(HttpContext http)
    {
        var arrived = _clock.Elapsed;
        var token = http.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : "";
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = NotifyServiceId,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(NotifySecret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        var issuedAt = validation.IsValid && validation.SecurityToken is JsonWebToken jwt ? jwt.IssuedAt : DateTime.MinValue;
        if (!validation.IsValid || Math.Abs((DateTime.UtcNow - issuedAt).TotalSeconds) > 30)
        {
            return Record(arrived, "Notify", "", "", null, null, 403, Results.Json(new
            {
                status_code = 403,
                errors = new[] { new { error = "AuthError", message = "Invalid token: signature, api token not found or iat in the future/past" } },
            }, statusCode: 403));
        }

        var json = await http.Request.ReadFromJsonAsync<JsonElement>();
        var to = json.TryGetProperty("phone_number", out var p) ? p.GetString() ?? "" : "";
        var body = json.TryGetProperty("personalisation", out var pers) && pers.TryGetProperty("body", out var b) ? b.GetString() ?? "" : "";
        var reference = json.TryGetProperty("reference", out var r) ? r.GetString() : null;
        if (!json.TryGetProperty("template_id", out var template) || template.GetString() != NotifyTemplateId || to.Length == 0)
        {
            return Record(arrived, "Notify", to, body, reference, null, 400, Results.Json(new
            {
                status_code = 400,
                errors = new[] { new { error = "BadRequestError", message = "Template not found or phone_number missing" } },
            }, statusCode: 400));
        }

        if (Refusal(arrived, "Notify", to, body, reference) is { } refusal)
        {
            return refusal;
        }

        var id = Guid.NewGuid().ToString();
        Record(arrived, "Notify", to, body, reference, id, 201, Results.Empty);
        if (SendReceipts && NotifyReceiptUrl is { } url)
        {
            _ = SendNotifyCallbackAsync(url, new
            {
                id,
                reference,
                to,
                status = UndeliverableNumbers.Contains(to) ? "permanent-failure" : "delivered",
                created_at = DateTime.UtcNow.ToString("O"),
                completed_at = DateTime.UtcNow.ToString("O"),
                sent_at = DateTime.UtcNow.ToString("O"),
                notification_type = "sms",
            });
        }

        return Results.Json(new
        {
            id,
            reference,
            content = new { body, from_number = "NHS" },
            uri = $"{BaseUrl}/v2/notifications/{id}",
            template = new { id = NotifyTemplateId, version = 1, uri = $"{BaseUrl}/v2/template/{NotifyTemplateId}" },
        }, statusCode: 201);
    }

    /// <summary>Notify is told its callback address in its settings, not per message: set it here.</summary>
    public Uri? NotifyReceiptUrl { get; set; }

    /// <summary>A text from a phone to the service (STOP), as Twilio delivers it: a signed form POST.</summary>
    public Task<HttpResponseMessage> TwilioInboundAsync(Uri inboundUrl, string from, string text) =>
        PostTwilioAsync(inboundUrl, new Dictionary<string, string>
        {
            ["AccountSid"] = TwilioSid,
            ["MessageSid"] = $"SM{Interlocked.Increment(ref _ids):D32}",
            ["From"] = from,
            ["To"] = TwilioFrom,
            ["Body"] = text,
        });

    /// <summary>A text from a phone to the service, as Notify delivers it: JSON with the bearer token.</summary>
    public Task<HttpResponseMessage> NotifyInboundAsync(Uri inboundUrl, string from, string text) =>
        PostNotifyAsync(inboundUrl, new
        {
            id = Guid.NewGuid().ToString(),
            source_number = from.TrimStart('+'),
            destination_number = "07400000001",
            message = text,
            date_received = DateTime.UtcNow.ToString("O"),
        });

    public static string TwilioSignature(string url, IReadOnlyDictionary<string, string> fields)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(TwilioToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    private IResult? Refusal(TimeSpan arrived, string provider, string to, string body, string? callback)
    {
        if (DateTimeOffset.UtcNow < _downUntil && (_downProvider is null || _downProvider == provider))
        {
            var unavailable = Results.Json(new { message = "Service Unavailable", status = 503 }, statusCode: 503);
            return Record(arrived, provider, to, body, callback, null, 503, _downRetryAfter ? new RetryAfterResult(unavailable) : unavailable);
        }

        if (!_scripted.TryDequeue(out var status) || status == 201)
        {
            return null;
        }

        return Record(arrived, provider, to, body, callback, null, status, status == 429
            ? new RetryAfterResult(Results.Json(new { code = 20429, message = "Too Many Requests", status = 429 }, statusCode: 429))
            : Results.Json(new { message = "Internal Server Error", status }, statusCode: status));
    }

    private IResult Record(TimeSpan arrived, string provider, string to, string body, string? callback, string? id, int status, IResult result)
    {
        _requests.Enqueue(new SmsRequest(arrived, provider, to, body, callback, id, status));
        return result;
    }

    private async Task SendTwilioCallbackAsync(string url, Dictionary<string, string> fields)
    {
        try
        {
            await PostTwilioAsync(new Uri(url), fields);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ObjectDisposedException)
        {
            // Like Twilio: a receipt that cannot be delivered is dropped.
        }
    }

    private async Task SendNotifyCallbackAsync(Uri url, object payload)
    {
        try
        {
            await PostNotifyAsync(url, payload);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ObjectDisposedException)
        {
        }
    }

    private Task<HttpResponseMessage> PostTwilioAsync(Uri url, IReadOnlyDictionary<string, string> fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Target(url)) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", TwilioSignature(url.ToString(), fields));
        return Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostNotifyAsync(Uri url, object payload)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Target(url)) { Content = JsonContent.Create(payload) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NotifyCallbackToken);
        return Client.SendAsync(request);
    }

    private static readonly HttpClient Direct = new();

    private HttpClient Client => CallbackClient ?? Direct;

    private Uri Target(Uri url) => CallbackClient is null ? url : new Uri(url.PathAndQuery, UriKind.Relative);

    /// <summary>For the program: until Ctrl+C or SIGTERM.</summary>
    public Task WaitForShutdownAsync()
    {
        var stopping = new TaskCompletionSource();
        _app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        return stopping.Task;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed class RetryAfterResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "1";
            return inner.ExecuteAsync(httpContext);
        }
    }
}

/// <param name="ArrivedAt">Since the fake started, by its own clock.</param>
/// <param name="Reference">Twilio: the StatusCallback URL; Notify: the reference.</param>
public sealed record SmsRequest(TimeSpan ArrivedAt, string Provider, string To, string Body, string? Reference, string? ProviderId, int Status);

internal static class PairwiseExtensions
{
    public static IEnumerable<(T Previous, T Next)> Pairwise<T>(this IEnumerable<T> items) => items.Zip(items.Skip(1));
}
