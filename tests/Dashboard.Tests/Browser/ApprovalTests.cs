using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

/// <summary>The second pair of eyes, as the comms team meets it: an Author writes, an Approver approves, it goes live.</summary>
public sealed class ApprovalTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Face_covering_alert_from_the_template_goes_live_on_the_sites_banner_once_someone_else_approves_it()
    {
        var author = await PageAsAsync(Staff.Author);
        await author.GotoAsync("/Alerts/Create");
        await author.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Face coverings", Exact = true }).ClickAsync();

        var headline = author.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true });
        await Expect(headline).ToHaveValueAsync("Please wear a face covering in our hospitals");
        await Expect(author.GetByLabel("What is it about?").Locator("option:checked")).ToHaveTextAsync("Face coverings");
        await Expect(author.GetByLabel("Details", new PageGetByLabelOptions { Exact = true })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("must wear a face covering"));

        // The author makes it their own: the Horton only, and a sharper headline.
        await headline.FillAsync("Face coverings are required at the Horton");
        await author.GetByLabel("Horton General Hospital").CheckAsync();
        // An Author has no way round approval.
        await Expect(author.GetByText("It cannot wait for approval")).ToHaveCountAsync(0);
        await author.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Submit for approval" }).ClickAsync();

        await Expect(author.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Face coverings are required at the Horton", Level = 1 })).ToBeVisibleAsync();
        await Expect(author.GetByText("Awaiting approval", new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync();
        await Expect(author.GetByText("You cannot approve your own alert")).ToBeVisibleAsync();
        await Expect(author.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Approve and publish" })).ToHaveCountAsync(0);

        var id = Guid.Parse(author.Url[(author.Url.LastIndexOf('/') + 1)..]);
        using var http = Browser.ApiClient();
        Assert.DoesNotContain(id, await http.BannerIdsAsync("?site=horton"));

        // The Approver finds it on the alert list, reads it and approves it.
        var approver = await PageAsAsync(Staff.Approver);
        await approver.GotoAsync("/");
        await approver.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Face coverings are required at the Horton" }).ClickAsync();
        await approver.GetByLabel("Comment (required to reject)").FillAsync("Checked with infection control.");
        await approver.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Approve and publish" }).ClickAsync();

        await Expect(approver.GetByText("Live", new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync();
        await Expect(approver.GetByText($"{BrowserFixture.ApproverEmail}, ")).ToBeVisibleAsync();
        await http.WaitUntilInBannerAsync(id, "?site=horton");
        Assert.DoesNotContain(id, await http.BannerIdsAsync("?site=churchill"));

        // And a page embedding the Horton's banner shows it.
        var website = await SignedOutPageAsync();
        await website.GotoAsync("/demo?site=horton&path=/");
        await Expect(website.Locator("nhs-alert-banner").GetByRole(AriaRole.Heading, new LocatorGetByRoleOptions { Name = "Face coverings are required at the Horton" }))
            .ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_approver_who_rejects_must_say_why_and_the_author_sees_it()
    {
        var author = await PageAsAsync(Staff.Author);
        await author.GotoAsync("/Alerts/Create?template=visiting-restrictions");
        await author.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true }).FillAsync("Visiting suspended at the Churchill");
        await author.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Submit for approval" }).ClickAsync();
        await Expect(author.GetByText("Awaiting approval", new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync();
        var detailsUrl = author.Url;

        var approver = await PageAsAsync(Staff.Approver);
        await approver.GotoAsync(detailsUrl);
        await approver.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Reject" }).ClickAsync();
        await Expect(approver.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Say why it is rejected" })).ToBeVisibleAsync();

        await approver.GetByLabel("Comment (required to reject)").FillAsync("Visiting is suspended from 8 a.m. tomorrow, not today.");
        await approver.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Reject" }).ClickAsync();
        await Expect(approver.GetByText("Rejected", new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync();

        await author.ReloadAsync();
        await Expect(author.GetByText("Visiting is suspended from 8 a.m. tomorrow, not today.")).ToBeVisibleAsync();
        await author.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Correct it and submit it again" }).ClickAsync();
        await Expect(author.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true })).ToHaveValueAsync("Visiting suspended at the Churchill");
    }

    [Theory]
    [InlineData("/Admin/Users")]
    [InlineData("/Admin/ApiKeys")]
    [InlineData("/Admin/Subscribers")]
    [InlineData("/Admin/Templates")]
    [InlineData("/hangfire")]
    public async Task An_author_cannot_reach_admin_pages(string path)
    {
        var author = await PageAsAsync(Staff.Author);
        var response = await author.GotoAsync(path);

        Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
        await Expect(author.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "You do not have access to this page" })).ToBeVisibleAsync();
        await Expect(author.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Users" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_admin_adds_a_user_who_signs_in_with_the_one_time_password()
    {
        var admin = await SignedInPageAsync();
        await admin.GotoAsync("/Admin/Users");
        await admin.GetByLabel("Email address").FillAsync("new.approver@ouh.example");
        await admin.GetByLabel("Approver", new PageGetByLabelOptions { Exact = true }).CheckAsync();
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Add user" }).ClickAsync();
        await Expect(admin.GetByText("Account created")).ToBeVisibleAsync();
        var password = (await admin.Locator("[data-secret]").TextContentAsync())!.Trim();

        var newcomer = await SignedOutPageAsync();
        await newcomer.GotoAsync("/Account/SignIn");
        await BrowserFixture.SignInThroughFormAsync(newcomer, Browser.BaseUrl, "new.approver@ouh.example", password);
        await Expect(newcomer.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Audit log" })).ToBeVisibleAsync();
        await Expect(newcomer.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Users" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_change_shows_what_it_changes_and_goes_live_when_approved()
    {
        using var api = Browser.ApiClient();
        var id = (await api.CreateAlertAsync(new { headline = "Outpatients at the Nuffield open 8am to 6pm", sites = new[] { "nuffield-orthopaedic" } })).GetProperty("id").GetGuid();

        var author = await PageAsAsync(Staff.Author);
        await author.GotoAsync($"/Alerts/Details/{id}");
        await author.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Change this alert" }).ClickAsync();
        await Expect(author.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Change an alert", Level = 1 })).ToBeVisibleAsync();
        await author.GetByLabel("Headline", new PageGetByLabelOptions { Exact = true }).FillAsync("Outpatients at the Nuffield open 8am to 8pm");
        await author.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Submit the change for approval" }).ClickAsync();

        await Expect(author.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "A change waiting for approval" })).ToBeVisibleAsync();
        var headlineRow = author.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { Has = author.GetByRole(AriaRole.Rowheader, new PageGetByRoleOptions { Name = "Headline" }) });
        await Expect(headlineRow.Locator("del")).ToHaveTextAsync("Outpatients at the Nuffield open 8am to 6pm");
        await Expect(headlineRow.Locator("ins")).ToHaveTextAsync("Outpatients at the Nuffield open 8am to 8pm");

        var approver = await PageAsAsync(Staff.Approver);
        await approver.GotoAsync($"/Alerts/Details/{id}");
        await approver.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Approve the change" }).ClickAsync();
        await Expect(approver.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Outpatients at the Nuffield open 8am to 8pm", Level = 1 })).ToBeVisibleAsync();
        await Expect(approver.GetByText("Revision 2")).ToBeVisibleAsync();
    }
}
