using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class CreatePageTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Duplicating_an_alert_fills_a_new_form_with_its_wording_but_not_its_times()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync($"/Alerts/Details/{Browser.SampleAlertId}");
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Duplicate as a new alert" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Create an alert", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("A copy of")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true })).ToHaveValueAsync(BrowserFixture.SampleHeadline);
        await Expect(page.GetByLabel("John Radcliffe Hospital")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Until further notice (until it is withdrawn)")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Starts (UK time, optional)")).ToHaveValueAsync("");
    }

    [Fact]
    public async Task Choosing_24_hours_ends_the_alert_a_day_after_it_starts()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("/Alerts/Create");
        await page.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true }).FillAsync("The main lift at the Horton is out of service");
        await page.GetByLabel("24 hours after it starts").CheckAsync();
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Submit for approval" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "The main lift at the Horton is out of service", Level = 1 })).ToBeVisibleAsync();

        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        using var api = Browser.ApiClient();
        var alert = await api.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");
        var start = alert.GetProperty("effectiveFrom").GetDateTimeOffset();
        var end = alert.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromHours(24), end - start);
    }

    [Fact]
    public async Task An_end_time_typed_with_another_ending_chosen_is_questioned_not_dropped()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("/Alerts/Create");
        await page.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true }).FillAsync("Two answers to when it ends");
        await page.GetByLabel("7 days after it starts").CheckAsync();
        await page.GetByLabel("Ends (UK time), if at the time below").FillAsync("2031-06-01T09:00");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Submit for approval" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "There is a problem" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "You entered an end time but chose another ending" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("7 days after it starts")).ToBeCheckedAsync();
    }
}
