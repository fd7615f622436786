using System.Net;
using AlertBroadcaster.Dashboard.Tests.Account;
using AlertBroadcaster.Dashboard.Tests.Email;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests.Sms;

/// <summary>The default <c>Log</c> provider: nothing leaves the machine; staff see the texts on a page.</summary>
public sealed class SmsLogProviderTests : IAsyncLifetime
{
    private readonly DashboardApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static FormUrlEncodedContent Form(string token, params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)).Append(KeyValuePair.Create("__RequestVerificationToken", token)));

    [Fact]
    public async Task An_alert_written_on_the_page_for_sms_is_listed_on_the_text_messages_page()
    {
        var api = _app.CreateApiClient();
        await api.ImportAsync(EmailTestCalls.Csv([$",{SmsTestCalls.Mobile(1)},,", $",{SmsTestCalls.Mobile(2)},,"]));
        var staff = await SignInTests.SignedInClientAsync(_app);
        var token = await SignInTests.TokenFromAsync(staff, "/Alerts/Create");

        var tooLong = await staff.PostAsync("/Alerts/Create", Form(token,
            ("Input.Headline", "Visiting suspended"), ("Input.Channels", "sms"), ("Input.SmsText", new string('a', 320))));
        var page = await tooLong.Content.ReadAsStringAsync();
        Assert.Contains("the limit is 2", page);
        Assert.Contains("As written, with the hint: 3 parts", page);

        var created = await staff.PostAsync("/Alerts/Create", Form(token,
            ("Input.Headline", "Visiting suspended"), ("Input.Channels", "sms"), ("Input.SmsText", "Visiting is suspended at the Horton today.")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = Guid.Parse(created.Headers.Location!.OriginalString.Split('/')[^1]);
        await api.WaitForSmsCountsAsync(id, c => c.Count("sent") == 2 && c.Count("pending") == 0, "two texts logged");

        var texts = await Poll.UntilAsync(() => staff.GetStringAsync("/Texts"), p => p.Contains("number ending 002"), what: "the text messages page");
        Assert.Contains("Visiting is suspended at the Horton today.", texts);
        Assert.Contains("Reply STOP to stop these alerts", texts);
        Assert.DoesNotContain(SmsTestCalls.Mobile(2), texts);

        // Staff only.
        var anonymous = await _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync("/Texts");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
    }
}
