using System.Net;
using System.Net.Http.Headers;
using AlertBroadcaster.Dashboard.Identity;
using AlertBroadcaster.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

/// <summary>
/// One embedded app on Kestrel (a real loopback port, as a browser needs) and one headless
/// Debian Chromium, shared by every browser test. Each test gets its own browser contexts
/// (cookies, storage) through <see cref="BrowserTest"/>.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's package (scripts/servers.sh installs it); Playwright downloads no browser of its own.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    public const string SampleHeadline = "Visiting restrictions at the John Radcliffe";

    /// <summary>A second and third person, for the approval rule: an Author and an Approver (the administrator has every role).</summary>
    public const string AuthorEmail = "author@ouh.example";
    public const string ApproverEmail = "approver@ouh.example";
    public const string StaffPassword = "a long staff password";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly Dictionary<Staff, string> _signedInStates = [];

    /// <summary>With approval required, as a trust runs it.</summary>
    public DashboardApp App { get; } = new() { RequireApproval = true, Settings = { ["Sms:PricePerSegment"] = "0.03" } };

    /// <summary>Another origin's website, for pages that embed banner.js.</summary>
    public HospitalWebsite Website { get; } = new();

    /// <summary>The app's address, such as http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>A live alert made through the JSON API, so the list and a details page have something to show.</summary>
    public Guid SampleAlertId { get; private set; }

    private static BrowserNewContextOptions ContextOptions(string baseUrl, string? storageState = null) => new()
    {
        BaseURL = baseUrl,
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        Locale = "en-GB",
        TimezoneId = "Europe/London",
        StorageState = storageState,
    };

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"No Chromium at {ChromiumPath}: run scripts/servers.sh start, or apt-get install chromium.");
        }

        // Expect's deadline: the same as the other tests' polling.
        SetDefaultExpectTimeout((float)Poll.DefaultDeadline.TotalMilliseconds);

        App.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        await Website.StartAsync();

        using (var api = ApiClient())
        {
            var alert = await api.CreateAlertAsync(new
            {
                kind = "VisitingRestrictions",
                severity = "Warning",
                headline = SampleHeadline,
                body = "One visitor per patient, 2pm to 8pm.",
                channels = new[] { "banner" },
                sites = new[] { "john-radcliffe" },
            });
            SampleAlertId = alert.GetProperty("id").GetGuid();
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            // Root in a container has no user namespaces for Chromium's sandbox, and no GPU.
            Args = ["--no-sandbox", "--disable-gpu"],
        });

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            foreach (var (email, role) in new[] { (AuthorEmail, Roles.Author), (ApproverEmail, Roles.Approver) })
            {
                var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
                Assert.True((await users.CreateAsync(user, StaffPassword)).Succeeded);
                Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
            }
        }

        // Each person signed in once through the form; tests start from a copy of their cookies.
        foreach (var (who, email, password) in new[]
                 {
                     (Staff.Admin, DashboardApp.AdminEmail, DashboardApp.AdminPassword),
                     (Staff.Author, AuthorEmail, StaffPassword),
                     (Staff.Approver, ApproverEmail, StaffPassword),
                 })
        {
            await using var context = await _browser.NewContextAsync(ContextOptions(BaseUrl));
            var page = await context.NewPageAsync();
            await page.GotoAsync("/Account/SignIn");
            await SignInThroughFormAsync(page, BaseUrl, email, password);
            _signedInStates[who] = await context.StorageStateAsync();
        }
    }

    /// <summary>The app's JSON API with the test API key (the public endpoints answer it too).</summary>
    public HttpClient ApiClient()
    {
        var api = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DashboardApp.ApiKey);
        return api;
    }

    /// <summary>A new context, with nobody signed in or with the administrator's sign-in cookie.</summary>
    public Task<IBrowserContext> NewContextAsync(bool signedIn) =>
        signedIn ? NewContextAsync(Staff.Admin) : Browser.NewContextAsync(ContextOptions(BaseUrl));

    /// <summary>A new context signed in as <paramref name="who"/>.</summary>
    public Task<IBrowserContext> NewContextAsync(Staff who) =>
        Browser.NewContextAsync(ContextOptions(BaseUrl, _signedInStates[who]));

    private IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture has not started.");

    /// <summary>On the sign-in page: fills in and sends the form (as the administrator unless told), and waits for the alert list.</summary>
    public static async Task SignInThroughFormAsync(IPage page, string baseUrl, string email = DashboardApp.AdminEmail, string password = DashboardApp.AdminPassword)
    {
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password", new PageGetByLabelOptions { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(baseUrl + "/");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        await Website.DisposeAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Who a browser test signs in as.</summary>
public enum Staff
{
    Admin,
    Author,
    Approver,
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

/// <summary>A browser test: opens fresh contexts from the shared browser and closes them after the test.</summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserFixture browser) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    protected BrowserFixture Browser => browser;

    protected async Task<IPage> SignedInPageAsync() => await (await NewContextAsync(signedIn: true)).NewPageAsync();

    protected async Task<IPage> SignedOutPageAsync() => await (await NewContextAsync(signedIn: false)).NewPageAsync();

    protected async Task<IPage> PageAsAsync(Staff who)
    {
        var context = await browser.NewContextAsync(who);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    protected async Task<IBrowserContext> NewContextAsync(bool signedIn)
    {
        var context = await browser.NewContextAsync(signedIn);
        _contexts.Add(context);
        return context;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }
}
