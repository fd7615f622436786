using System.Net;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Dashboard.Tests.Account;
using AlertBroadcaster.Dashboard.Tests.Email;
using AlertBroadcaster.Dashboard.Tests.Sms;
using AlertBroadcaster.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests.Alerts;

/// <summary>"Send me a test" over a real SMTP server: staff test recipients only, marked TEST, nothing published.</summary>
public sealed class TestSendTests : IAsyncLifetime
{
    private const string TestNumber = "+447400055001";
    private readonly TestSmtpServer _smtp = TestSmtpServer.Start();
    private readonly DashboardApp _app;

    public TestSendTests() => _app = new DashboardApp
    {
        Smtp = _smtp,
        Settings =
        {
            ["Testing:EmailRecipients:0"] = "comms-team@ouh.example",
            ["Testing:SmsRecipients:0"] = TestNumber,
        },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task A_test_reaches_only_staff_test_recipients_and_publishes_nothing()
    {
        var api = _app.CreateApiClient();
        await api.ImportAsync(EmailTestCalls.Csv(["subscriber@example.org,+447400055999,,"]));
        var staff = await SignInTests.SignedInClientAsync(_app);
        var token = await SignInTests.TokenFromAsync(staff, "/Alerts/Create");

        var response = await staff.PostAsync("/Alerts/Create?handler=Test", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Headline"] = "Visiting suspended at the Horton",
            ["Input.Body"] = "From 8 a.m. tomorrow.",
            ["Input.Channels"] = "email",
            ["Input.SmsText"] = "Visiting is suspended at the Horton from 8am tomorrow.",
            ["__RequestVerificationToken"] = token,
        }.Append(KeyValuePair.Create("Input.Channels", "sms")).Append(KeyValuePair.Create("Input.Channels", "banner"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Test sent, marked TEST: 2 emails and 1 text message", page);

        await Poll.UntilAsync(() => Task.FromResult(_smtp.Recipients.Count == 2), what: "two test emails");
        Assert.Equal(["comms-team@ouh.example", DashboardApp.AdminEmail], _smtp.Recipients.Order());
        Assert.All(_smtp.Messages, m => Assert.StartsWith("TEST: Visiting suspended at the Horton", m.Subject));

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var channels = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
            var texts = await channels.LoggedSms.AsNoTracking().ToListAsync();
            var text = Assert.Single(texts);
            Assert.Equal(TestNumber, text.To);
            Assert.StartsWith("TEST: Visiting is suspended", text.Body);
            Assert.False(await channels.Deliveries.AnyAsync());
        }

        // The test's banner is for the person testing, on this page only (banner.js reads it from the page's handler).
        var bannerId = System.Text.RegularExpressions.Regex.Match(page, "handler=BannerPreview&amp;id=([0-9a-f]{32})").Groups[1].Value;
        Assert.NotEmpty(bannerId);
        var testBanner = await staff.GetStringAsync($"/Alerts/Create?handler=BannerPreview&id={bannerId}");
        Assert.Contains("\"headline\":\"TEST: Visiting suspended at the Horton\"", testBanner);
        var anonymous = _app.CreateClient(new() { AllowAutoRedirect = false });
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync($"/Alerts/Create?handler=BannerPreview&id={bannerId}")).StatusCode);

        // Nothing published: no alert, no banner, and the subscriber got nothing.
        Assert.DoesNotContain("Visiting suspended at the Horton", await api.GetStringAsync("/api/alerts"));
        Assert.Empty(await _app.CreateClient().BannerIdsAsync());
        Assert.DoesNotContain("subscriber@example.org", _smtp.Recipients);
        Assert.Contains("\"alert.test-sent\"", await staff.GetStringAsync("/Audit?handler=Csv"));
    }

    [Fact]
    public async Task A_test_of_an_alert_with_mistakes_sends_nothing_and_says_what_is_wrong()
    {
        var staff = await SignInTests.SignedInClientAsync(_app);
        var token = await SignInTests.TokenFromAsync(staff, "/Alerts/Create");
        var response = await staff.PostAsync("/Alerts/Create?handler=Test", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Headline"] = "",
            ["Input.Channels"] = "email",
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Contains("There is a problem", await response.Content.ReadAsStringAsync());
        Assert.Empty(_smtp.Messages);
    }
}
