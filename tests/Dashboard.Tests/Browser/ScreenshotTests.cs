using System.Buffers.Binary;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

/// <summary>Full-page pictures of the main pages, for docs/screenshots/ (refreshed by each run).</summary>
public sealed class ScreenshotTests(BrowserFixture browser) : BrowserTest(browser)
{
    public static string ScreenshotDirectory => Path.Combine(RepositoryRoot(), "docs", "screenshots");

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AlertBroadcaster.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AlertBroadcaster.slnx above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public async Task Main_pages_are_saved_as_full_page_screenshots()
    {
        Directory.CreateDirectory(ScreenshotDirectory);

        var signedOut = await SignedOutPageAsync();
        await signedOut.GotoAsync("/Account/SignIn");
        await SaveAsync(signedOut, "Sign in", "sign-in.png");

        var page = await SignedInPageAsync();
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = BrowserFixture.SampleHeadline })).ToBeVisibleAsync();
        await SaveAsync(page, "Alerts", "alerts.png");

        await page.GotoAsync("/Alerts/Create");
        await SaveAsync(page, "Create an alert", "create-alert.png");

        await page.GotoAsync($"/Alerts/Details/{Browser.SampleAlertId}");
        await SaveAsync(page, BrowserFixture.SampleHeadline, "alert-details.png");

        // A website with the banner, as the public sees it.
        await signedOut.GotoAsync("/demo?site=john-radcliffe&path=/visiting");
        await Expect(signedOut.Locator("nhs-alert-banner").GetByRole(AriaRole.Heading, new LocatorGetByRoleOptions { Name = BrowserFixture.SampleHeadline }))
            .ToBeVisibleAsync();
        await SaveAsync(signedOut, "The 100,000 Genomes Project", "banner-demo.png");
    }

    /// <summary>Waits for the page's heading, saves the whole page and checks a 1280-pixel-wide PNG was written.</summary>
    private static async Task SaveAsync(IPage page, string heading, string fileName)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = heading, Level = 1 })).ToBeVisibleAsync();
        var path = Path.Combine(ScreenshotDirectory, fileName);
        File.Delete(path);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Type = ScreenshotType.Png });

        var png = await File.ReadAllBytesAsync(path);
        Assert.True(png.Length > 24 && png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), $"{fileName} is not a PNG");
        Assert.Equal(1280, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.True(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)) >= 900, $"{fileName} is shorter than the viewport");
    }
}
