using AlertBroadcaster.Dashboard.Tests.Email;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class DeliveryProgressTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Delivery_counts_on_an_open_alert_page_update_without_a_reload()
    {
        using var api = Browser.ApiClient();
        await api.ImportAsync(EmailTestCalls.Csv(["progress.reader@example.com,,churchill,"]));
        // Scheduled ahead, so the page is open (and shows nothing sent) before anything is sent.
        var alert = await api.CreateAlertAsync(new
        {
            kind = "General",
            severity = "Info",
            headline = "Car park 3 at the Churchill is closed today",
            channels = new[] { "email" },
            sites = new[] { "churchill" },
            effectiveFrom = DateTimeOffset.UtcNow.AddSeconds(15),
        });
        var id = alert.GetProperty("id").GetGuid();

        var page = await SignedInPageAsync();
        await page.GotoAsync($"/Alerts/Details/{id}");
        var email = page.Locator("tr[data-channel=email]");
        await Expect(email.Locator("[data-count=sent]")).ToHaveTextAsync("0");
        await page.EvaluateAsync("() => { window.openedOnce = true; }");

        await Expect(email.Locator("[data-count=sent]")).ToHaveTextAsync("1", new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        await Expect(email.Locator("[data-count=pending]")).ToHaveTextAsync("0");
        // The same document all along: pushed to the page, not reloaded.
        Assert.True(await page.EvaluateAsync<bool>("() => window.openedOnce === true"));
    }
}
