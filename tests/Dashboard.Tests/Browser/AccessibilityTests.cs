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
    public async Task Signed_in_page_has_no_accessibility_violations(string path, string heading)
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync(path.Replace(SampleAlert, Browser.SampleAlertId.ToString(), StringComparison.Ordinal));
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = heading, Level = 1 })).ToBeVisibleAsync();

        AssertNoViolations(path, await page.RunAxe());
    }

    [Fact]
    public async Task Sign_in_page_has_no_accessibility_violations()
    {
        var page = await SignedOutPageAsync();
        await page.GotoAsync("/Account/SignIn");
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();

        AssertNoViolations("/Account/SignIn", await page.RunAxe());
    }

    private static void AssertNoViolations(string page, AxeResult result)
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
