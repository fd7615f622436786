using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlertBroadcaster.TestSupport;
using MimeKit;

namespace AlertBroadcaster.Dashboard.Tests.Email;

/// <summary>What the email tests do with the import API, the alerts API and the received mail.</summary>
public static partial class EmailTestCalls
{
    [GeneratedRegex("https?://[^\\s\"<>]+")]
    private static partial Regex Url();

    public static async Task<JsonElement> ImportAsync(this HttpClient api, string csv)
    {
        var response = await api.PostAsync("/api/subscribers/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static string Csv(IEnumerable<string> lines) => "email,phone,sites,topics\n" + string.Join('\n', lines) + "\n";

    public static async Task<Guid> CreateEmailAlertAsync(this HttpClient api, string headline, string[]? sites = null, string kind = "General", string body = "")
    {
        var created = await api.CreateAlertAsync(new { headline, kind, body, sites = sites ?? [], channels = new[] { "banner", "email" } });
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>The messages the server received about one alert (X-Alert-Id).</summary>
    public static List<MimeMessage> About(this TestSmtpServer smtp, Guid alertId) =>
        smtp.Messages.Where(m => m.Headers["X-Alert-Id"] == alertId.ToString()).ToList();

    public static List<string> RecipientsOf(this TestSmtpServer smtp, Guid alertId) =>
        smtp.About(alertId).SelectMany(m => m.To.Mailboxes.Select(a => a.Address.ToLowerInvariant())).ToList();

    public static async Task<JsonElement> EmailDeliveryAsync(this HttpClient api, Guid alertId) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/alerts/{alertId}")).GetProperty("delivery").GetProperty("email");

    /// <summary>Waits until the Dashboard reports every recipient sent or failed.</summary>
    public static Task<JsonElement> WaitUntilDeliveredAsync(this HttpClient api, Guid alertId, int sent, TimeSpan? deadline = null) =>
        Poll.UntilAsync(() => api.EmailDeliveryAsync(alertId),
            d => d.GetProperty("sent").GetInt32() == sent && d.GetProperty("pending").GetInt32() == 0,
            deadline ?? TimeSpan.FromSeconds(60), $"{sent} emails sent for alert {alertId}");

    /// <summary>
    /// Imports <paramref name="count"/> subscribers, sends them one alert, and checks that each of
    /// them received it exactly once (the ledger says all sent; the server saw each address once).
    /// </summary>
    public static async Task SendToManyAndCheckEachGotItOnceAsync(this HttpClient api, TestSmtpServer smtp, int count, TimeSpan deadline)
    {
        // Nothing happens mid-send here: the server may take mail as fast as it can.
        smtp.AcceptDelay = TimeSpan.Zero;
        var imported = await api.ImportAsync(Csv(Enumerable.Range(1, count).Select(i => $"patient{i}@example.com,,,")));
        Assert.Equal(count, imported.GetProperty("imported").GetInt32());

        var alert = await api.CreateEmailAlertAsync("Visiting restrictions across the trust", kind: "VisitingRestrictions");
        await api.WaitUntilDeliveredAsync(alert, sent: count, deadline);

        var recipients = smtp.RecipientsOf(alert);
        Assert.Equal(count, recipients.Count);
        Assert.Equal(count, recipients.Distinct().Count());
    }

    /// <summary>The first link in the plain-text part that starts with <paramref name="prefix"/>, as a path and query.</summary>
    public static string LinkIn(MimeMessage message, string prefix) =>
        Url().Matches(message.TextBody ?? "").Select(m => new Uri(m.Value)).First(u => u.AbsolutePath.StartsWith(prefix, StringComparison.Ordinal)).PathAndQuery;
}
