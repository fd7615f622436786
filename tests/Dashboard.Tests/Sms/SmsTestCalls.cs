using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests.Sms;

/// <summary>What the SMS tests share: settings that point a host at the fake provider, numbers, waiting for counts.</summary>
public static class SmsTestCalls
{
    public const string PublicBaseUrl = "https://alerts.ouh.example";

    /// <summary>A valid UK mobile per index (07400 0xxxxx: a range libphonenumber accepts).</summary>
    public static string Mobile(int i) => $"+4474000{i:D5}";

    public static Dictionary<string, string> TwilioSettings(FakeSmsProvider fake, double perSecond = 500) => new()
    {
        ["Sms:Provider"] = "Twilio",
        ["Sms:Twilio:BaseUrl"] = fake.BaseUrl,
        ["Sms:Twilio:AccountSid"] = FakeSmsProvider.TwilioSid,
        ["Sms:Twilio:AuthToken"] = FakeSmsProvider.TwilioToken,
        ["Sms:Twilio:From"] = FakeSmsProvider.TwilioFrom,
        ["Sms:PublicBaseUrl"] = PublicBaseUrl,
        ["Sms:MessagesPerSecond"] = perSecond.ToString(CultureInfo.InvariantCulture),
        ["Jobs:InvisibilityTimeout"] = "00:00:15",
    };

    public static Dictionary<string, string> NotifySettings(FakeSmsProvider fake, double perSecond = 500) => new()
    {
        ["Sms:Provider"] = "Notify",
        ["Sms:Notify:BaseUrl"] = fake.BaseUrl,
        ["Sms:Notify:ApiKey"] = FakeSmsProvider.NotifyApiKey,
        ["Sms:Notify:TemplateId"] = FakeSmsProvider.NotifyTemplateId,
        ["Sms:Notify:CallbackToken"] = FakeSmsProvider.NotifyCallbackToken,
        ["Sms:PublicBaseUrl"] = PublicBaseUrl,
        ["Sms:MessagesPerSecond"] = perSecond.ToString(CultureInfo.InvariantCulture),
        ["Jobs:InvisibilityTimeout"] = "00:00:15",
    };

    public static async Task<Guid> CreateSmsAlertAsync(this HttpClient api, string headline, string? smsText = null, string[]? sites = null)
    {
        var created = await api.CreateAlertAsync(new { headline, smsText, kind = "VisitingRestrictions", sites = sites ?? [], channels = new[] { "banner", "sms" } });
        return created.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> SmsDeliveryAsync(this HttpClient api, Guid alertId) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/alerts/{alertId}")).GetProperty("delivery").GetProperty("sms");

    /// <summary>Waits until the Dashboard's counts for the alert satisfy <paramref name="done"/>.</summary>
    public static Task<JsonElement> WaitForSmsCountsAsync(this HttpClient api, Guid alertId, Func<JsonElement, bool> done, string what, TimeSpan? deadline = null) =>
        Poll.UntilAsync(() => api.SmsDeliveryAsync(alertId), done, deadline ?? TimeSpan.FromSeconds(60), what);

    public static int Count(this JsonElement counts, string name) => counts.GetProperty(name).GetInt32();

    /// <summary>How many times each number was accepted by the provider(s), across both APIs.</summary>
    public static Dictionary<string, int> AcceptedPerNumber(this FakeSmsProvider fake) =>
        fake.Accepted.GroupBy(r => r.To).ToDictionary(g => g.Key, g => g.Count());
}
