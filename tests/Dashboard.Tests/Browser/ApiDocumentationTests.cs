using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class ApiDocumentationTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Signed_in_staff_can_browse_the_api_document()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("/api/docs");

        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Alert Broadcaster API" })).ToBeVisibleAsync();
        await Expect(page.GetByText("/api/alerts/{id}/withdraw", new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Api_document_is_for_staff_only()
    {
        var context = await NewContextAsync(signedIn: false);
        var anonymous = await context.APIRequest.GetAsync("/openapi/v1.json", new APIRequestContextOptions { MaxRedirects = 0 });
        Assert.NotEqual(200, anonymous.Status);

        var signedIn = await NewContextAsync(signedIn: true);
        var document = await signedIn.APIRequest.GetAsync("/openapi/v1.json");
        Assert.Equal(200, document.Status);
        Assert.Contains("\"/api/alerts\"", await document.TextAsync());
    }
}
