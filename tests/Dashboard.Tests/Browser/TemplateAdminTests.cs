using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class TemplateAdminTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task An_admin_adds_a_template_that_authors_then_start_from()
    {
        var admin = await SignedInPageAsync();
        await admin.GotoAsync("/Admin/Templates");
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Add a template" }).ClickAsync();
        await admin.GetByLabel("Name (as authors see it)").FillAsync("Car park closed");
        await admin.GetByLabel("Headline").FillAsync("Our car park is closed today");
        await admin.GetByLabel("Details").FillAsync("Please use the park and ride.");
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Save template" }).ClickAsync();

        // Saving opens the create page from it, as authors will see it.
        await Expect(admin.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true })).ToHaveValueAsync("Our car park is closed today");

        var author = await PageAsAsync(Staff.Author);
        await author.GotoAsync("/Alerts/Create");
        await author.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Car park closed", Exact = true }).ClickAsync();
        await Expect(author.GetByLabel("Details", new PageGetByLabelOptions { Exact = true })).ToHaveValueAsync("Please use the park and ride.");
    }

    [Fact]
    public async Task A_template_with_a_headline_an_alert_could_not_have_is_refused()
    {
        var admin = await SignedInPageAsync();
        await admin.GotoAsync("/Admin/Templates/Edit");
        await admin.GetByLabel("Name (as authors see it)").FillAsync("Too long");
        await admin.GetByLabel("Headline").FillAsync(new string('x', 200));
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Save template" }).ClickAsync();

        await Expect(admin.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "There is a problem" })).ToBeVisibleAsync();
        await admin.GotoAsync("/Admin/Templates");
        await Expect(admin.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Too long" })).ToHaveCountAsync(0);
    }
}
