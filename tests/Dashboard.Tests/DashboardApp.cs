using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AlertBroadcaster.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests;

/// <summary>
/// The embedded all-in-one host (Dashboard + Broadcaster + Channels, in-memory bus, SQLite) on a
/// data folder of its own, with a known administrator and API key.
/// </summary>
public sealed class DashboardApp : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-api-key-0123456789";
    public const string AdminEmail = "comms@ouh.example";
    public const string AdminPassword = "correct horse battery staple";

    /// <summary>Its own by default; give two apps the same one to test a restart.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "alert-broadcaster-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The real broker started by scripts/servers.sh (TEST_RABBITMQ overrides), instead of the in-memory bus.</summary>
    public bool UseRabbitMq { get; init; }

    public static string RabbitMqConnectionString =>
        Environment.GetEnvironmentVariable("TEST_RABBITMQ") is { Length: > 0 } configured ? configured : "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>
    /// A fresh database on the real PostgreSQL started by scripts/servers.sh (TEST_POSTGRES
    /// overrides the server), instead of the SQLite files. Give two apps the same name to restart.
    /// </summary>
    public string? PostgresDatabase { get; init; }

    public static string PostgresConnectionString(string database) =>
        new Npgsql.NpgsqlConnectionStringBuilder(
            Environment.GetEnvironmentVariable("TEST_POSTGRES") is { Length: > 0 } configured
                ? configured
                : "Host=127.0.0.1;Username=alerts;Password=alerts")
        { Database = database }.ToString();

    /// <summary>A real SMTP server for the email channel; without one, mail goes to the pickup folder.</summary>
    public TestSmtpServer? Smtp { get; init; }

    /// <summary>Any other settings (configuration keys with ':').</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>
    /// <c>Approval:Required</c>. Off by default here, so tests about delivery need no second
    /// person; the approval tests and the browser tests turn it on, as a trust runs it.
    /// </summary>
    public bool RequireApproval { get; init; }

    /// <summary>False: start with no Admin settings, as a new user would without reading the README.</summary>
    public bool SeedAdmin { get; init; } = true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        if (SeedAdmin)
        {
            builder.UseSetting("Admin:Email", AdminEmail);
            builder.UseSetting("Admin:Password", AdminPassword);
        }

        builder.UseSetting("Api:Keys:0", ApiKey);
        // Tests sign in far more often than people do; the limit itself is tested with a low one.
        builder.UseSetting("SignIn:AttemptsPerAddressPer5Minutes", "10000");
        builder.UseSetting("Approval:Required", RequireApproval ? "true" : "false");
        if (PostgresDatabase is not null)
        {
            builder.UseSetting("ConnectionStrings:Postgres", PostgresConnectionString(PostgresDatabase));
        }

        if (UseRabbitMq)
        {
            builder.UseSetting("ConnectionStrings:RabbitMq", RabbitMqConnectionString);
        }

        if (Smtp is not null)
        {
            foreach (var (key, value) in SmtpSettings(Smtp))
            {
                builder.UseSetting(key, value);
            }
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The Email settings that point a host at a test SMTP server.</summary>
    public static Dictionary<string, string> SmtpSettings(TestSmtpServer smtp) => new()
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:Smtp:UseTls"] = "false",
        ["Email:From"] = "alerts@ouh.example",
        ["Email:PublicBaseUrl"] = "http://localhost",
        ["Jobs:InvisibilityTimeout"] = "00:00:15",
    };

    /// <summary>
    /// A signed-in client (cookie) for <paramref name="email"/>, made with <paramref name="roles"/>
    /// if new, sending the header the API asks of signed-in changes.
    /// </summary>
    public async Task<HttpClient> StaffClientAsync(string email, params string[] roles)
    {
        const string password = "a long staff password";
        await using (var scope = Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            if (await users.FindByEmailAsync(email) is null)
            {
                var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
                Assert.True((await users.CreateAsync(user, password)).Succeeded);
                Assert.True((await users.AddToRolesAsync(user, roles)).Succeeded);
            }
        }

        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await Account.SignInTests.SignInAsync(client, password, email)).StatusCode);
        client.DefaultRequestHeaders.Add("X-Requested-With", "test");
        return client;
    }

    /// <summary>A client that sends the API key.</summary>
    public HttpClient CreateApiClient()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }
}

/// <summary>What the tests do with the public banner endpoint and the staff API.</summary>
public static class ApiCalls
{
    public static async Task<JsonElement> CreateAlertAsync(this HttpClient api, object body)
    {
        var response = await api.PostAsJsonAsync("/api/alerts", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<List<Guid>> BannerIdsAsync(this HttpClient client, string query = "")
    {
        var banner = await client.GetFromJsonAsync<JsonElement>("/api/banner/current" + query);
        return banner.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList();
    }

    public static Task WaitUntilInBannerAsync(this HttpClient client, Guid id, string query = "") =>
        Poll.UntilAsync(async () => (await client.BannerIdsAsync(query)).Contains(id), what: $"alert {id} in the banner");

    public static Task WaitUntilNotInBannerAsync(this HttpClient client, Guid id, string query = "") =>
        Poll.UntilAsync(async () => !(await client.BannerIdsAsync(query)).Contains(id), what: $"alert {id} gone from the banner");
}
