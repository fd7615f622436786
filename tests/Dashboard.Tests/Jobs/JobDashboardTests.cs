using System.Net;
using AlertBroadcaster.Dashboard.Identity;
using AlertBroadcaster.Dashboard.Tests.Account;
using AlertBroadcaster.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests.Jobs;

/// <summary>The Hangfire dashboard at /hangfire: delivery jobs, for administrators only.</summary>
public sealed class JobDashboardTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task Administrators_see_the_job_dashboard_and_the_embedded_job_server()
    {
        var admin = await SignInTests.SignedInClientAsync(app);

        var home = await admin.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("delivery jobs", await home.Content.ReadAsStringAsync());
        await Poll.UntilAsync(async () => (await admin.GetStringAsync("/hangfire/servers")).Contains("channels-"), what: "the job server listed");
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        var response = await app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/SignIn", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Staff_who_are_not_administrators_are_refused()
    {
        const string email = "author@ouh.example";
        const string password = "an author's long password";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            if (await users.FindByEmailAsync(email) is null)
            {
                var author = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
                Assert.True((await users.CreateAsync(author, password)).Succeeded);
                Assert.True((await users.AddToRoleAsync(author, Roles.Author)).Succeeded);
            }
        }

        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await SignInTests.SignInAsync(client, password, email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        var jobs = await client.GetAsync("/hangfire");
        Assert.NotEqual(HttpStatusCode.OK, jobs.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", jobs.Headers.Location!.PathAndQuery);
    }
}
