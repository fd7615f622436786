using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AlertBroadcaster.Dashboard.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests.Approval;

/// <summary>The embedded app with <c>Approval:Required</c> on, as a trust runs it.</summary>
public sealed class ApprovingApp : IAsyncLifetime
{
    public DashboardApp App { get; } = new() { RequireApproval = true };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class ApprovalApiTests(ApprovingApp fixture) : IClassFixture<ApprovingApp>
{
    private DashboardApp App => fixture.App;

    private static object Alert(string headline, string? urgentReason = null) => new
    {
        kind = "VisitingRestrictions",
        severity = "Warning",
        headline,
        channels = new[] { "banner" },
        sites = new[] { "churchill" },
        urgentReason,
    };

    private static async Task<JsonElement> SubmitAsync(HttpClient client, object alert)
    {
        var response = await client.PostAsJsonAsync("/api/alerts", alert);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("AwaitingApproval", body.GetProperty("status").GetString());
        return body;
    }

    private static async Task<JsonElement> AlertAsync(HttpClient client, Guid id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");

    [Fact]
    public async Task An_authors_alert_waits_unseen_until_someone_else_approves_it()
    {
        var author = await App.StaffClientAsync("author.one@ouh.example", Roles.Author);
        var approver = await App.StaffClientAsync("approver.one@ouh.example", Roles.Approver);
        var id = (await SubmitAsync(author, Alert("Visiting suspended at the Churchill"))).GetProperty("id").GetGuid();

        var banner = App.CreateClient();
        Assert.DoesNotContain(id, await banner.BannerIdsAsync("?site=churchill"));
        var own = await author.PostAsJsonAsync($"/api/alerts/{id}/approve", new { comment = "fine" });
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Contains("your own alert", await own.Content.ReadAsStringAsync());
        Assert.Equal("AwaitingApproval", (await AlertAsync(author, id)).GetProperty("status").GetString());

        var approved = await approver.PostAsJsonAsync($"/api/alerts/{id}/approve", new { comment = "Checked with the ward." });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var alert = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Live", alert.GetProperty("status").GetString());
        Assert.Equal("approver.one@ouh.example", alert.GetProperty("approval").GetProperty("decidedBy").GetString());
        Assert.Equal("author.one@ouh.example", alert.GetProperty("createdBy").GetString());
        await banner.WaitUntilInBannerAsync(id, "?site=churchill");

        // Approving twice is a conflict, not a second publish.
        Assert.Equal(HttpStatusCode.Conflict, (await approver.PostAsJsonAsync($"/api/alerts/{id}/approve", new { })).StatusCode);
    }

    [Fact]
    public async Task An_admin_with_every_role_still_cannot_approve_their_own_alert()
    {
        var admin = await App.StaffClientAsync("second.admin@ouh.example", Roles.All);
        var id = (await SubmitAsync(admin, Alert("Car park closed at the Churchill"))).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsJsonAsync($"/api/alerts/{id}/approve", new { })).StatusCode);
    }

    [Fact]
    public async Task An_author_cannot_approve_anyones_alert()
    {
        var first = await App.StaffClientAsync("author.two@ouh.example", Roles.Author);
        var second = await App.StaffClientAsync("author.three@ouh.example", Roles.Author);
        var id = (await SubmitAsync(first, Alert("Lift out of service"))).GetProperty("id").GetGuid();

        var response = await second.PostAsJsonAsync($"/api/alerts/{id}/approve", new { });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Approver role", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_rejection_needs_a_comment_and_the_alert_is_never_published()
    {
        var author = await App.StaffClientAsync("author.four@ouh.example", Roles.Author);
        var approver = await App.StaffClientAsync("approver.two@ouh.example", Roles.Approver);
        var id = (await SubmitAsync(author, Alert("Clinic moved"))).GetProperty("id").GetGuid();

        var bare = await approver.PostAsJsonAsync($"/api/alerts/{id}/reject", new { });
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Contains("comment", await bare.Content.ReadAsStringAsync());

        var rejected = await approver.PostAsJsonAsync($"/api/alerts/{id}/reject", new { comment = "Which clinic? Say where it moved to." });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var alert = await AlertAsync(author, id);
        Assert.Equal("Rejected", alert.GetProperty("status").GetString());
        Assert.Equal("Which clinic? Say where it moved to.", alert.GetProperty("approval").GetProperty("comment").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await approver.PostAsJsonAsync($"/api/alerts/{id}/approve", new { })).StatusCode);
        Assert.DoesNotContain(id, await App.CreateClient().BannerIdsAsync());
    }

    [Fact]
    public async Task An_alert_withdrawn_before_approval_is_cancelled_and_cannot_then_be_approved()
    {
        var author = await App.StaffClientAsync("author.five@ouh.example", Roles.Author);
        var approver = await App.StaffClientAsync("approver.three@ouh.example", Roles.Approver);
        var id = (await SubmitAsync(author, Alert("Posted by mistake"))).GetProperty("id").GetGuid();

        var withdrawn = await author.PostAsync($"/api/alerts/{id}/withdraw", null);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("Cancelled", (await withdrawn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await approver.PostAsJsonAsync($"/api/alerts/{id}/approve", new { })).StatusCode);
    }

    [Fact]
    public async Task An_admin_publishes_urgently_with_a_reason_and_an_author_cannot()
    {
        var author = await App.StaffClientAsync("author.six@ouh.example", Roles.Author);
        var refused = await author.PostAsJsonAsync("/api/alerts", Alert("Fire alarm test", urgentReason: "It is urgent"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var admin = await App.StaffClientAsync("duty.admin@ouh.example", Roles.Admin);
        var response = await admin.PostAsJsonAsync("/api/alerts", Alert("Major incident: the emergency department at the Churchill is closed", urgentReason: "Major incident declared at 02:10"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var alert = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Live", alert.GetProperty("status").GetString());

        var id = alert.GetProperty("id").GetGuid();
        var approval = (await AlertAsync(admin, id)).GetProperty("approval");
        Assert.Equal("PublishedUrgently", approval.GetProperty("state").GetString());
        Assert.Equal("Major incident declared at 02:10", approval.GetProperty("comment").GetString());

        var csv = await admin.GetStringAsync($"/Audit?handler=Csv&AlertId={id}");
        Assert.Contains("\"alert.published-urgently\"", csv);
        Assert.Contains("Major incident declared at 02:10", csv);
    }

    [Fact]
    public async Task Configured_api_keys_publish_directly_and_keys_made_by_an_admin_wait_unless_trusted()
    {
        Assert.Equal("Live", (await App.CreateApiClient().CreateAlertAsync(Alert("From the incident system"))).GetProperty("status").GetString());

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
        string Make(string name, bool trusted)
        {
            var secret = ApiKey.NewSecret();
            db.ApiKeys.Add(new ApiKey { Id = Guid.NewGuid(), Name = name, Hash = ApiKey.HashOf(secret), Prefix = secret[..7], PublishesWithoutApproval = trusted, CreatedBy = "test", CreatedAt = DateTimeOffset.UtcNow });
            return secret;
        }

        var ordinary = Make("CRM import", trusted: false);
        var trusted = Make("Incident system", trusted: true);
        await db.SaveChangesAsync();

        HttpClient Client(string key)
        {
            var client = App.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        var waiting = await SubmitAsync(Client(ordinary), Alert("Needs a second look"));
        Assert.Equal("api-key:CRM import", waiting.GetProperty("createdBy").GetString());
        Assert.Equal(HttpStatusCode.Created, (await Client(trusted).PostAsJsonAsync("/api/alerts", Alert("Trusted system"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client("ab_not-a-key").GetAsync("/api/alerts")).StatusCode);
    }
}
