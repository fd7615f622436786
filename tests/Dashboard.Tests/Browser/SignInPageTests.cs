using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class SignInPageTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Signing_in_through_the_form_lands_on_the_alert_list()
    {
        var page = await SignedOutPageAsync();
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/SignIn\\?"));
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();

        await BrowserFixture.SignInThroughFormAsync(page, Browser.BaseUrl);

        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Alerts", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = BrowserFixture.SampleHeadline })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign out" })).ToBeVisibleAsync();
    }
}
