using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AlertBroadcaster.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AlertBroadcaster.Dashboard.Tests.Account;

public sealed class SignInTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    internal static async Task<HttpClient> SignedInClientAsync(DashboardApp app, string password = DashboardApp.AdminPassword)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await SignInAsync(client, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string password, string email = DashboardApp.AdminEmail)
    {
        var page = await client.GetStringAsync("/Account/SignIn");
        var token = Antiforgery.TokenIn(page);
        return await client.PostAsync("/Account/SignIn", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    internal static async Task<string> TokenFromAsync(HttpClient client, string path) =>
        Antiforgery.TokenIn(await client.GetStringAsync(path));

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_limited_with_a_clear_page()
    {
        await using var limited = new DashboardApp { Settings = { ["SignIn:AttemptsPerAddressPer5Minutes"] = "3" } };
        var client = limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // Different (unknown) accounts, so no account lockout is involved: only the address's attempts.
            Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, "not the password", $"guess{attempt}@ouh.example")).StatusCode);
        }

        var refused = await SignInAsync(client, DashboardApp.AdminPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync());
        Assert.NotNull(refused.Headers.RetryAfter);
        // Showing the form is never limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/SignIn")).StatusCode);
    }

    [Fact]
    public async Task Pages_need_a_signed_in_user()
    {
        var response = await app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/SignIn", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Seeded_administrator_can_sign_in_and_see_the_alerts()
    {
        var client = await SignedInClientAsync(app);

        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("<h1>Alerts</h1>", await home.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/alerts")).StatusCode);
    }

    [Fact]
    public async Task Signed_in_api_changes_need_the_anti_forgery_header()
    {
        var client = await SignedInClientAsync(app);
        var body = new { headline = "From a signed-in script" };

        var forged = await client.PostAsJsonAsync("/api/alerts", body);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/alerts") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Requested-With", "fetch");
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Without_admin_settings_the_first_start_prints_a_one_time_password_that_works()
    {
        var console = new StringWriter();
        var original = Console.Out;
        Console.SetOut(TextWriter.Synchronized(console));
        string output;
        await using var fresh = new DashboardApp { SeedAdmin = false };
        try
        {
            _ = fresh.Services;
            output = console.ToString();
        }
        finally
        {
            Console.SetOut(original);
        }

        var password = Regex.Match(output, "One-time password: +(\\S+)").Groups[1].Value;
        Assert.NotEmpty(password);
        var client = fresh.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, password, "admin@localhost")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_message()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await SignInAsync(client, "not the password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The email address or password is not right.", await response.Content.ReadAsStringAsync());
    }
}
