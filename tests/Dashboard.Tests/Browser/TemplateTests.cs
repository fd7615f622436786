using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class TemplateTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Face_covering_alert_written_from_the_template_goes_live_on_the_sites_banner()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("/Alerts/Create");
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Face coverings", Exact = true }).ClickAsync();

        var headline = page.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true });
        await Expect(headline).ToHaveValueAsync("Please wear a face covering in our hospitals");
        await Expect(page.GetByLabel("What is it about?").Locator("option:checked")).ToHaveTextAsync("FaceCoverings");
        await Expect(page.GetByLabel("Details", new PageGetByLabelOptions { Exact = true })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("must wear a face covering"));

        // The author makes it their own: the Horton only, and a sharper headline.
        await headline.FillAsync("Face coverings are required at the Horton");
        await page.GetByLabel("Horton General Hospital").CheckAsync();
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Publish alert" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Face coverings are required at the Horton", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("Live", new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync();

        var id = Guid.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..]);
        using var http = Browser.ApiClient();
        await http.WaitUntilInBannerAsync(id, "?site=horton");
        Assert.DoesNotContain(id, await http.BannerIdsAsync("?site=churchill"));
    }
}
