using AlertBroadcaster.Dashboard.Tests.Email;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class ReachTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task The_create_page_says_how_many_subscribers_the_alert_would_reach_and_what_the_texts_cost()
    {
        using var api = Browser.ApiClient();
        // Nuffield subscribers only (no other browser test uses that site), one for face coverings only.
        await api.ImportAsync(EmailTestCalls.Csv([
            "reach.one@example.org,+447400099001,nuffield-orthopaedic,",
            "reach.two@example.org,+447400099002,nuffield-orthopaedic,",
            "reach.three@example.org,,nuffield-orthopaedic,FaceCoverings",
        ]));

        var page = await PageAsAsync(Staff.Author);
        await page.GotoAsync("/Alerts/Create");
        await page.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true }).FillAsync("Theatres closed at the Nuffield");
        await page.GetByLabel("Nuffield Orthopaedic Centre").CheckAsync();
        await page.GetByLabel("Email subscribers").CheckAsync();
        await page.GetByLabel("Text message (SMS) subscribers").CheckAsync();

        var reach = page.Locator("[data-reach-description]");
        // Those who chose every site count too; the fixture's other subscribers chose the Churchill only.
        await Expect(reach).ToContainTextAsync("emailed to 2 subscribers and texted to 2 subscribers (1 part each: 2 parts, about £0.06)");

        await page.GetByLabel("What is it about?").SelectOptionAsync(new SelectOptionValue { Label = "Face coverings" });
        await Expect(reach).ToContainTextAsync("emailed to 3 subscribers");
    }
}
