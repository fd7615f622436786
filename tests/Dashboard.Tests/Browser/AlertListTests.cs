using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class AlertListTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task The_list_filters_by_status_site_and_kind()
    {
        using var api = Browser.ApiClient();
        await api.CreateAlertAsync(new { kind = "RecruitmentClosed", headline = "The 100,000 Genomes Project has now closed to recruitment", sites = new[] { "genomic-medicine-centre" } });

        var page = await SignedInPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Kind").SelectOptionAsync(new SelectOptionValue { Label = "Recruitment closed" });
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Filter" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "The 100,000 Genomes Project has now closed to recruitment" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = BrowserFixture.SampleHeadline })).ToHaveCountAsync(0);

        await page.GetByLabel("Site").SelectOptionAsync(new SelectOptionValue { Label = "Horton General Hospital" });
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Filter" }).ClickAsync();
        await Expect(page.GetByText("No published alerts match.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Show every alert" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = BrowserFixture.SampleHeadline })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_calendar_shows_a_scheduled_alert_on_each_day_it_is_on()
    {
        // Three days ahead for two days, at noon UK time: the days are certain whatever the time of the run.
        var start = LondonTime.StartOfDay(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3)).AddHours(12);
        using var api = Browser.ApiClient();
        await api.CreateAlertAsync(new { headline = "Planned power cut at the Churchill", effectiveFrom = start, expiresAt = start.AddDays(1), sites = new[] { "churchill" } });

        var page = await SignedInPageAsync();
        await page.GotoAsync("/Alerts/Calendar");
        var rows = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = "Planned power cut at the Churchill" });
        await Expect(rows).ToHaveCountAsync(2);
        var iso = System.Globalization.CultureInfo.InvariantCulture;
        var firstDay = LondonTime.ToLondon(start).ToString("ddd d MMM", iso);
        await Expect(rows.First.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(firstDay);
        await Expect(rows.First.GetByText("Scheduled", new LocatorGetByTextOptions { Exact = true })).ToBeVisibleAsync();
    }
}
