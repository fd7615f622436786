using System.Net;
using System.Text.RegularExpressions;
using AlertBroadcaster.Dashboard.Tests.Account;
using AlertBroadcaster.TestSupport;
using MimeKit;

namespace AlertBroadcaster.Dashboard.Tests.Email;

/// <summary>Without SMTP settings (the embedded default) email goes to .eml files in the data folder.</summary>
public sealed class EmailPickupTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task An_alert_created_on_the_page_for_email_is_written_to_the_pickup_folder_and_its_progress_shown()
    {
        await app.CreateApiClient().ImportAsync(EmailTestCalls.Csv(["reader@example.com,,,"]));
        var staff = await SignInTests.SignedInClientAsync(app);
        var token = await SignInTests.TokenFromAsync(staff, "/Alerts/Create");

        var created = await staff.PostAsync("/Alerts/Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Kind"] = "FaceCoverings",
            ["Input.Headline"] = "Face coverings in all our hospitals",
            ["Input.Channels"] = "email",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var details = created.Headers.Location!.OriginalString;

        var pickup = Path.Combine(app.DataDirectory, "mail-pickup");
        await Poll.UntilAsync(() => Task.FromResult(Directory.Exists(pickup) && Directory.GetFiles(pickup, "*.eml").Length == 1),
            TimeSpan.FromSeconds(30), "one .eml file in the pickup folder");
        var message = await MimeMessage.LoadAsync(Directory.GetFiles(pickup, "*.eml").Single());
        Assert.Equal("reader@example.com", message.To.Mailboxes.Single().Address);
        Assert.Contains("Face coverings in all our hospitals", message.Subject);

        // The cells' text, whatever their classes: channel, sent, delivered (SMS only), failed, still to send.
        await Poll.UntilAsync(async () => Regex.Replace(await staff.GetStringAsync(details), "<td[^>]*>", "<td>").Contains("<td>Email</td><td>1</td><td>&#x2013;</td><td>0</td><td>0</td>"),
            what: "the delivery counts on the details page");
    }
}
