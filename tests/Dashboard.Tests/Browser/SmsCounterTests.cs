using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class SmsCounterTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Sms_part_count_follows_the_text_as_it_is_typed()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("/Alerts/Create");
        var text = page.GetByLabel("Text message (optional)", new PageGetByLabelOptions { Exact = true });
        var count = page.Locator("#sms-count");

        await text.FillAsync("Visiting is suspended on all wards today.");
        await Expect(count).ToContainTextAsync("1 part (");
        await Expect(count).ToContainTextAsync("GSM characters");

        // With the opt-out hint appended, 200 letters need a second part.
        await text.FillAsync(new string('a', 200));
        await Expect(count).ToContainTextAsync("2 parts (");

        // A curly apostrophe is outside the GSM alphabet: the whole text goes as Unicode.
        await text.FillAsync("Visiting is suspended on all wards today, we’re sorry.");
        await Expect(count).ToContainTextAsync("Unicode characters");
        await Expect(count).ToContainTextAsync("Sent as Unicode because of “’”");

        await text.FillAsync(new string('a', 400));
        await Expect(count).ToContainTextAsync("more than the 2 allowed");
    }
}
