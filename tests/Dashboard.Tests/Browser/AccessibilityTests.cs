using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

/// <summary>axe-core on every page a user can reach today, as the browser renders it.</summary>
public sealed class AccessibilityTests(BrowserFixture browser) : BrowserTest(browser)
{
    /// <summary>Stands for the sample alert's id in a path.</summary>
    private const string SampleAlert = "{sample-alert}";

    [Theory]
    [InlineData("/", "Alerts")]
    [InlineData("/Alerts/Create", "Create an alert")]
    [InlineData("/Alerts/Details/" + SampleAlert, BrowserFixture.SampleHeadline)]
    [InlineData("/Texts", "Text messages")]
    [InlineData("/Alerts/Calendar", "What is on")]
    [InlineData("/?Status=Live&Site=churchill&Kind=VisitingRestrictions", "Alerts")]
    [InlineData("/Admin/Users", "Users")]
    [InlineData("/Admin/ApiKeys", "API keys")]
    [InlineData("/Admin/Subscribers?Q=nobody@example.org", "Subscribers")]
    [InlineData("/Audit", "Audit log")]
    [InlineData("/Admin/Templates", "Templates")]
    [InlineData("/Admin/Templates/Edit/face-coverings", "Template: Face coverings")]
    [InlineData("/Account/ChangePassword", "Change your password")]
    public async Task Signed_in_page_has_no_accessibility_violations(string path, string heading)
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync(path.Replace(SampleAlert, Browser.SampleAlertId.ToString(), StringComparison.Ordinal));
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = heading, Level = 1 })).ToBeVisibleAsync();

        AssertNoViolations(path, await page.RunAxe());
    }

    [Fact]
    public async Task An_alert_waiting_for_approval_has_no_accessibility_violations_for_its_approver()
    {
        var author = await PageAsAsync(Staff.Author);
        var submitted = await author.Context.APIRequest.PostAsync(Browser.BaseUrl + "/api/alerts", new APIRequestContextOptions
        {
            DataObject = new { headline = "Waiting for a second pair of eyes", channels = new[] { "banner" } },
            Headers = new Dictionary<string, string> { ["X-Requested-With"] = "test" },
        });
        Assert.Equal(202, submitted.Status);
        var id = (await submitted.JsonAsync())!.Value.GetProperty("id").GetGuid();

        var approver = await PageAsAsync(Staff.Approver);
        await approver.GotoAsync($"/Alerts/Details/{id}");
        await Expect(approver.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Approve and publish" })).ToBeVisibleAsync();
        AssertNoViolations("details awaiting approval", await approver.RunAxe());
    }

    [Fact]
    public async Task User_page_and_access_denied_page_have_no_accessibility_violations()
    {
        var admin = await SignedInPageAsync();
        await admin.GotoAsync("/Admin/Users");
        await admin.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = BrowserFixture.AuthorEmail }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = BrowserFixture.AuthorEmail, Level = 1 })).ToBeVisibleAsync();
        AssertNoViolations("/Admin/Users/Edit", await admin.RunAxe());

        var author = await PageAsAsync(Staff.Author);
        await author.GotoAsync("/Admin/Users");
        await Expect(author.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "You do not have access to this page", Level = 1 })).ToBeVisibleAsync();
        AssertNoViolations("/Account/AccessDenied", await author.RunAxe());
    }

    [Fact]
    public async Task Sign_in_page_has_no_accessibility_violations()
    {
        var page = await SignedOutPageAsync();
        await page.GotoAsync("/Account/SignIn");
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();

        AssertNoViolations("/Account/SignIn", await page.RunAxe());
    }

    internal static void AssertNoViolations(string page, AxeResult result)
    {
        Assert.NotEmpty(result.Passes);
        Assert.True(result.Violations.Length == 0,
            $"axe found {result.Violations.Length} violation(s) on {page}:{Environment.NewLine}{Describe(result.Violations)}");
    }

    /// <summary>Each violation's rule, impact, help and the selectors of the elements that break it.</summary>
    internal static string Describe(IEnumerable<AxeResultItem> violations) => string.Join(Environment.NewLine, violations.Select(v =>
        $"- {v.Id} ({v.Impact}): {v.Help} [{v.HelpUrl}]{Environment.NewLine}" +
        string.Join(Environment.NewLine, v.Nodes.Select(n => $"    {n.Target}"))));
}
