using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// GOV.UK Notify: <c>POST {BaseUrl}/v2/notifications/sms</c> with a bearer JWT (HS256, <c>iss</c> the
/// service id, <c>iat</c> now) signed with the secret half of the API key. The text goes through a
/// template whose content is <c>((body))</c>; our delivery id is the <c>reference</c>.
/// </summary>
public sealed class NotifySmsProvider(HttpClient http, IOptions<SmsOptions> options, TimeProvider time) : ISmsProvider
{
    public const string ReceiptPath = "sms/receipts/notify";
    public const string InboundPath = "sms/inbound/notify";

    private static readonly JsonWebTokenHandler Tokens = new() { SetDefaultTimesOnTokenCreation = false };

    public SmsProviderName Name => SmsProviderName.Notify;

    public Task WarmUpAsync(CancellationToken cancellationToken) => SmsHttp.WarmUpAsync(http, options.Value.Notify.BaseUrl, cancellationToken);

    public async Task<SmsAccepted> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var notify = options.Value.Notify;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{notify.BaseUrl.TrimEnd('/')}/v2/notifications/sms")
        {
            Content = JsonContent.Create(new
            {
                phone_number = message.To,
                template_id = notify.TemplateId,
                personalisation = new { body = message.Body },
                reference = message.Reference,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(notify.ApiKey!));

        using var response = await SmsHttp.SendAsync(http, request, Name, cancellationToken);
        var json = await SmsHttp.ReadJsonAsync(response, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return new SmsAccepted(Name.ToString(), json?.GetProperty("id").GetString()
                ?? throw new SmsTemporaryException(Name, "accepted without a notification id"));
        }

        var detail = json is { } error && error.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0
            ? string.Join("; ", errors.EnumerateArray().Select(e => $"{e.GetProperty("error").GetString()}: {e.GetProperty("message").GetString()}"))
            : response.ReasonPhrase ?? "";
        throw SmsHttp.Classify(Name, response, detail);
    }

    /// <summary>A key is <c>{name}-{service id}-{secret}</c>, the two ids being 36-character UUIDs.</summary>
    public static (string ServiceId, string Secret) SplitApiKey(string apiKey) =>
        apiKey.Length < 74 ? throw new InvalidOperationException("Sms:Notify:ApiKey is not a GOV.UK Notify API key.")
            : (apiKey[^73..^37], apiKey[^36..]);

    private string Token(string apiKey)
    {
        var (serviceId, secret) = SplitApiKey(apiKey);
        return Tokens.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = serviceId,
            IssuedAt = time.GetUtcNow().UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
    }
}
