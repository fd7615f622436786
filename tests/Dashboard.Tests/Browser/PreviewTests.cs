using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class PreviewTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Preview_shows_the_banner_the_email_and_the_text_without_saving_anything()
    {
        var page = await PageAsAsync(Staff.Author);
        await page.GotoAsync("/Alerts/Create?template=visiting-restrictions");
        await page.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true }).FillAsync("Visiting restricted at the Churchill");
        await page.GetByLabel("Text message (SMS) subscribers").CheckAsync();
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Preview", Exact = true }).ClickAsync();

        // Drawn by banner.js, as the websites draw it: a Warning the reader may dismiss.
        var banner = page.Locator("[data-preview=banner] nhs-alert-banner");
        await Expect(banner.GetByRole(AriaRole.Heading, new LocatorGetByRoleOptions { Name = "Visiting restricted at the Churchill" })).ToContainTextAsync("Warning");
        await Expect(banner.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Dismiss alert: Visiting restricted at the Churchill" })).ToBeVisibleAsync();
        // The template's Markdown, rendered and sanitised as the email renders it.
        await Expect(banner.Locator("strong")).ToHaveTextAsync("one visitor per patient");
        await Expect(page.Locator("[data-preview=email-subject]")).ToHaveTextAsync("Visiting restricted at the Churchill");
        await Expect(page.FrameLocator("iframe.app-email-preview").GetByText("Visiting restricted at the Churchill").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-preview=sms]")).ToContainTextAsync("Reply STOP to stop these alerts");

        // The form keeps what was typed, and nothing was published.
        await Expect(page.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true })).ToHaveValueAsync("Visiting restricted at the Churchill");
        using var api = Browser.ApiClient();
        Assert.DoesNotContain("Visiting restricted at the Churchill", await api.GetStringAsync("/api/alerts"));
        Assert.DoesNotContain("Visiting restricted at the Churchill", await api.GetStringAsync("/api/banner/current"));

        // The email's frame is sandboxed without script, so axe checks the page around it (the email's own markup is tested with the email channel).
        var axe = await page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions { Iframes = false });
        Assert.True(axe.Violations.Length == 0, AccessibilityTests.Describe(axe.Violations));
    }
}
