using System.Collections.Concurrent;
using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

/// <summary>
/// banner.js as a website meets it: embedded in another origin's page (served here through the
/// browser's routing, so the banner's requests are real cross-origin requests to the app).
/// </summary>
public sealed class BannerScriptTests(BrowserFixture browser) : BrowserTest(browser)
{
    /// <summary>The shortest interval banner.js allows; the tests wait one interval and a margin for a change to show.</summary>
    private const int PollSeconds = 10;

    private static readonly float OnePoll = (PollSeconds + 5) * 1000;

    /// <summary>Opens a page of another website that embeds the banner for <paramref name="site"/>, as its page <paramref name="path"/>.</summary>
    private async Task<IPage> HostPageAsync(string site, string path, string hostCss = "", string loading = "defer")
    {
        var url = Browser.Website.Publish(path, $"""
            <!DOCTYPE html>
            <html lang="en-GB"><head><title>A hospital page</title><style>{hostCss}</style>
            <script src="{Browser.BaseUrl}/banner.js" data-site="{site}" data-interval="{PollSeconds}" {loading}></script>
            </head><body><header><p>Hospital website</p></header><main><h1>Visiting</h1><p>Our visiting times.</p></main></body></html>
            """);
        var page = await SignedOutPageAsync();
        await page.GotoAsync(url);
        await page.EvaluateAsync("() => window.loadedOnce = true");
        return page;
    }

    private static ILocator BannerHeading(IPage page, string headline) =>
        page.Locator("nhs-alert-banner").GetByRole(AriaRole.Heading, new LocatorGetByRoleOptions { Name = headline });

    private static string Unique(string headline) => $"{headline} ({Guid.NewGuid():N})"[..(headline.Length + 10)] + ")";

    [Fact]
    public async Task A_new_alert_appears_within_one_poll_and_leaves_at_its_expiry_without_a_reload()
    {
        var page = await HostPageAsync("horton", "/visiting");
        var polls = new ConcurrentQueue<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/banner/current", StringComparison.Ordinal))
            {
                polls.Enqueue(request);
            }
        };

        var headline = Unique("Visiting suspended at the Horton");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(PollSeconds + 15);
        using var api = Browser.ApiClient();
        await api.CreateAlertAsync(new { severity = "Warning", headline, body = "From **8 a.m.** tomorrow.", channels = new[] { "banner" }, sites = new[] { "horton" }, expiresAt });

        var heading = BannerHeading(page, headline);
        await Expect(heading).ToBeVisibleAsync(new() { Timeout = OnePoll });
        await Expect(page.Locator("nhs-alert-banner").GetByRole(AriaRole.Region)).ToContainTextAsync("Warning");
        await Expect(page.Locator("nhs-alert-banner strong")).ToHaveTextAsync("8 a.m.");

        // Gone at its expiry, before the server is asked again if need be: banner.js checks expiresAt itself.
        await Expect(heading).ToBeHiddenAsync(new() { Timeout = (float)(expiresAt - DateTimeOffset.UtcNow).TotalMilliseconds + 3000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.loadedOnce === true"), "the page was not reloaded");

        // Polls after the first one ask "has it changed?" with the ETag they hold.
        var headers = await Task.WhenAll(polls.Select(p => p.AllHeadersAsync()));
        Assert.Contains(headers, h => h.ContainsKey("if-none-match"));
    }

    [Fact]
    public async Task An_alert_shows_only_on_its_sites_and_under_its_page_paths()
    {
        var everywhere = Unique("Car parks are busy");
        var genomes = Unique("The 100,000 Genomes Project has now closed to recruitment");
        using var api = Browser.ApiClient();
        await api.CreateAlertAsync(new { headline = everywhere, channels = new[] { "banner" }, sites = new[] { "churchill", "genomic-medicine-centre" } });
        await api.CreateAlertAsync(new { headline = genomes, channels = new[] { "banner" }, sites = new[] { "genomic-medicine-centre" }, paths = new[] { "/100000-genomes-project" } });

        // Loaded async from <head>: the script waits for the page's body.
        var projectPage = await HostPageAsync("genomic-medicine-centre", "/100000-genomes-project/taking-part", loading: "async");
        await Expect(BannerHeading(projectPage, genomes)).ToBeVisibleAsync();
        await Expect(BannerHeading(projectPage, everywhere)).ToBeVisibleAsync();

        // Each page below has shown the site-wide alert, so its banner has answered: the other is truly absent.
        foreach (var (site, path) in new[] { ("genomic-medicine-centre", "/contact-us"), ("churchill", "/100000-genomes-project") })
        {
            var page = await HostPageAsync(site, path);
            await Expect(BannerHeading(page, everywhere)).ToBeVisibleAsync();
            await Expect(BannerHeading(page, genomes)).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task A_dismissed_info_alert_stays_hidden_until_its_next_revision_and_an_urgent_one_cannot_be_dismissed()
    {
        var info = Unique("Outpatients has moved to level 2");
        var urgent = Unique("Emergency department: very busy");
        using var api = Browser.ApiClient();
        var infoAlert = new { severity = "Info", headline = info, channels = new[] { "banner" }, sites = new[] { "nuffield-orthopaedic" } };
        var infoId = (await api.CreateAlertAsync(infoAlert)).GetProperty("id").GetGuid();
        await api.CreateAlertAsync(new { severity = "Urgent", headline = urgent, channels = new[] { "banner" }, sites = new[] { "nuffield-orthopaedic" } });

        var page = await HostPageAsync("nuffield-orthopaedic", "/");
        var banner = page.Locator("nhs-alert-banner");
        await Expect(BannerHeading(page, urgent)).ToBeVisibleAsync();
        await Expect(banner.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = $"Dismiss alert: {urgent}" })).ToHaveCountAsync(0);

        await banner.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = $"Dismiss alert: {info}" }).ClickAsync();
        await Expect(BannerHeading(page, info)).ToHaveCountAsync(0);

        // Remembered: after a reload the urgent alert is back, the dismissed one is not.
        await page.ReloadAsync();
        await Expect(BannerHeading(page, urgent)).ToBeVisibleAsync();
        await Expect(BannerHeading(page, info)).ToHaveCountAsync(0);

        // A new revision is new news: it shows again, without a reload.
        var changed = await api.PutAsJsonAsync($"/api/alerts/{infoId}", infoAlert with { headline = info + " and 3" });
        changed.EnsureSuccessStatusCode();
        await Expect(BannerHeading(page, info + " and 3")).ToBeVisibleAsync(new() { Timeout = OnePoll });
    }

    [Fact]
    public async Task The_host_pages_styles_cannot_hide_or_restyle_the_banner()
    {
        var headline = Unique("Face coverings are required at the Churchill");
        using var api = Browser.ApiClient();
        await api.CreateAlertAsync(new { severity = "Urgent", headline, channels = new[] { "banner" }, sites = new[] { "churchill" } });

        var page = await HostPageAsync("churchill", "/", hostCss:
            "body * { display: none !important; } h2, div, span { color: rgb(0, 255, 0) !important; font-size: 60px !important; background: lime !important; }");
        var heading = BannerHeading(page, headline);
        await Expect(heading).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Visiting" })).ToBeHiddenAsync();
        await Expect(heading).ToHaveCSSAsync("color", "rgb(255, 255, 255)");
        await Expect(heading).ToHaveCSSAsync("font-size", "19px");
    }

    [Fact]
    public async Task The_demo_page_with_the_banner_shown_has_no_accessibility_violations()
    {
        var headline = Unique("The 100,000 Genomes Project has closed");
        using var api = Browser.ApiClient();
        await api.CreateAlertAsync(new
        {
            severity = "Warning",
            headline,
            body = "Thank you to everyone who took part.",
            link = new { text = "About the project", url = "https://www.genomicsengland.co.uk/" },
            channels = new[] { "banner" },
            sites = new[] { "genomic-medicine-centre" },
            paths = new[] { "/100000-genomes-project" },
        });

        var page = await SignedOutPageAsync();
        await page.GotoAsync("/demo");
        await Expect(BannerHeading(page, headline)).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "The 100,000 Genomes Project", Level = 1 })).ToBeVisibleAsync();

        AccessibilityTests.AssertNoViolations("/demo", await page.RunAxe());
    }
}
