using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

public sealed class AntiforgeryTests(BrowserFixture browser) : BrowserTest(browser)
{
    private const string ForgedHeadline = "Forged alert without the anti-forgery token";

    private static Dictionary<string, string> CreateForm(string headline) => new()
    {
        ["Input.Kind"] = "VisitingRestrictions",
        ["Input.Severity"] = "Warning",
        ["Input.Headline"] = headline,
        ["Input.Body"] = "One visitor per patient.",
        ["Input.Channels"] = "banner",
        ["Input.Sites"] = "john-radcliffe",
    };

    [Fact]
    public async Task Create_form_posted_without_the_anti_forgery_token_is_refused_and_creates_nothing()
    {
        var context = await NewContextAsync(signedIn: true);
        var before = await AlertHeadlinesAsync(context.APIRequest);

        var forged = await context.APIRequest.PostAsync("/Alerts/Create", new APIRequestContextOptions
        {
            Form = FormOf(context.APIRequest, CreateForm(ForgedHeadline)),
            MaxRedirects = 0,
        });

        Assert.Equal(400, forged.Status);
        var after = await AlertHeadlinesAsync(context.APIRequest);
        Assert.DoesNotContain(ForgedHeadline, after);
        Assert.Equal(before.Count, after.Count);
    }

    [Fact]
    public async Task Create_form_posted_with_the_page_token_by_the_same_signed_in_context_is_accepted()
    {
        // The other half of the test above: the same request, with the token the page hands out, gets in.
        var context = await NewContextAsync(signedIn: true);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Alerts/Create");
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var fields = CreateForm("Posted with the anti-forgery token");
        fields["__RequestVerificationToken"] = token;

        var posted = await context.APIRequest.PostAsync("/Alerts/Create", new APIRequestContextOptions
        {
            Form = FormOf(context.APIRequest, fields),
            MaxRedirects = 0,
        });

        Assert.Equal(302, posted.Status);
        Assert.StartsWith("/Alerts/Details/", posted.Headers["location"], StringComparison.Ordinal);
        await page.GotoAsync(posted.Headers["location"]);
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Posted with the anti-forgery token", Level = 1 })).ToBeVisibleAsync();
    }

    private static IFormData FormOf(IAPIRequestContext request, Dictionary<string, string> fields)
    {
        var form = request.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Append(name, value);
        }

        return form;
    }

    /// <summary>The headlines the JSON API lists, read with the context's sign-in cookie.</summary>
    private static async Task<List<string>> AlertHeadlinesAsync(IAPIRequestContext request)
    {
        var response = await request.GetAsync("/api/alerts");
        Assert.Equal(200, response.Status);
        var list = JsonDocument.Parse(await response.TextAsync()).RootElement;
        return list.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("headline").GetString() ?? "").ToList();
    }
}
