using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AlertBroadcaster.Dashboard.Identity;
using AlertBroadcaster.TestSupport;
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

    [Fact]
    public async Task A_change_to_a_live_alert_waits_for_approval_and_then_becomes_its_next_revision()
    {
        var author = await App.StaffClientAsync("author.seven@ouh.example", Roles.Author);
        var approver = await App.StaffClientAsync("approver.four@ouh.example", Roles.Approver);
        var id = (await App.CreateApiClient().CreateAlertAsync(Alert("Visiting hours at the Churchill: 2pm to 8pm"))).GetProperty("id").GetGuid();

        var proposed = await author.PutAsJsonAsync($"/api/alerts/{id}", Alert("Visiting hours at the Churchill: 2pm to 6pm"));
        Assert.Equal(HttpStatusCode.Accepted, proposed.StatusCode);

        // Until approved, everyone still sees revision 1; the API shows what is proposed.
        var now = await AlertAsync(author, id);
        Assert.Equal(1, now.GetProperty("revision").GetInt32());
        Assert.Equal("Visiting hours at the Churchill: 2pm to 8pm", now.GetProperty("headline").GetString());
        Assert.Equal("Visiting hours at the Churchill: 2pm to 6pm", now.GetProperty("pendingChange").GetProperty("headline").GetString());
        // One change at a time.
        Assert.Equal(HttpStatusCode.Conflict, (await author.PutAsJsonAsync($"/api/alerts/{id}", Alert("A third version"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await author.PostAsJsonAsync($"/api/alerts/{id}/approve", new { })).StatusCode);

        // The approver decides on what they read: a request id that is not the one waiting is refused.
        var read = now.GetProperty("pendingChange").GetProperty("approval").GetProperty("requestId").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await approver.PostAsJsonAsync($"/api/alerts/{id}/approve", new { requestId = Guid.NewGuid() })).StatusCode);

        var approved = await approver.PostAsJsonAsync($"/api/alerts/{id}/approve", new { requestId = read });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var changed = await AlertAsync(author, id);
        Assert.Equal(2, changed.GetProperty("revision").GetInt32());
        Assert.Equal("Visiting hours at the Churchill: 2pm to 6pm", changed.GetProperty("headline").GetString());
        Assert.False(changed.TryGetProperty("pendingChange", out _));
        await Poll.UntilAsync(async () => (await App.CreateClient().GetStringAsync("/api/banner/current?site=churchill")).Contains("2pm to 6pm"), what: "the new wording on the banner");

        var csv = await SignedInCsvAsync($"AlertId={id}");
        Assert.Contains("\"alert.change-submitted-for-approval\"", csv);
        Assert.Contains("\"alert.change-approved\"", csv);
        // The submission keeps the wording before and after.
        Assert.Contains("2pm to 8pm", csv);
    }

    [Fact]
    public async Task A_trusted_key_changes_an_alert_at_once_and_a_withdrawn_alert_cannot_be_changed()
    {
        var api = App.CreateApiClient();
        var id = (await api.CreateAlertAsync(Alert("Lift out of service at the Churchill"))).GetProperty("id").GetGuid();

        var changed = await api.PutAsJsonAsync($"/api/alerts/{id}", Alert("Lift back in service at the Churchill"));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(2, (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/alerts/{id}/withdraw", null)).StatusCode);
        var refused = await api.PutAsJsonAsync($"/api/alerts/{id}", Alert("Too late"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Withdrawn", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutAsJsonAsync($"/api/alerts/{Guid.NewGuid()}", Alert("Nothing"))).StatusCode);
    }

    private async Task<string> SignedInCsvAsync(string query)
    {
        var admin = await Account.SignInTests.SignedInClientAsync(App);
        return await admin.GetStringAsync($"/Audit?handler=Csv&{query}");
    }

    [Fact]
    public async Task An_end_chosen_as_24_hours_is_counted_from_the_approval_not_from_the_writing()
    {
        var author = await App.StaffClientAsync("author.eight@ouh.example", Roles.Author);
        var approver = await App.StaffClientAsync("approver.five@ouh.example", Roles.Approver);
        var token = await Account.SignInTests.TokenFromAsync(author, "/Alerts/Create");
        var written = await author.PostAsync("/Alerts/Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Headline"] = "Lift out of service at the Horton",
            ["Input.Channels"] = "banner",
            ["Input.Ends"] = "24-hours",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, written.StatusCode);
        var id = Guid.Parse(written.Headers.Location!.OriginalString.Split('/')[^1]);
        Assert.Contains("24 hours after it starts", await author.GetStringAsync($"/Alerts/Details/{id}"));

        var approvedAt = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await approver.PostAsJsonAsync($"/api/alerts/{id}/approve", new { })).StatusCode);
        var alert = await AlertAsync(approver, id);
        var start = alert.GetProperty("effectiveFrom").GetDateTimeOffset();
        Assert.True(start >= approvedAt.AddSeconds(-1), $"starts {start:O}, approved {approvedAt:O}");
        Assert.Equal(TimeSpan.FromHours(24), alert.GetProperty("expiresAt").GetDateTimeOffset() - start);
    }
}
