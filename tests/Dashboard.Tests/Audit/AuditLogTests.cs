using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.Dashboard.Identity;
using AlertBroadcaster.Dashboard.Tests.Account;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests.Audit;

public sealed partial class AuditLogTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task Entries_cannot_be_changed_or_deleted_even_with_sql()
    {
        await app.CreateApiClient().CreateAlertAsync(new { headline = "Recorded for good" });
        await AssertAppendOnlyAsync(app);
    }

    [Fact]
    public async Task The_csv_export_is_filtered_and_safe_to_open_in_a_spreadsheet()
    {
        // A headline a spreadsheet would otherwise run as a formula.
        var alert = await app.CreateApiClient().CreateAlertAsync(new { headline = "=HYPERLINK(\"http://evil.example\",\"Click\")" });
        var id = alert.GetProperty("id").GetGuid();

        var csv = await SignedInCsvAsync(app, $"AlertId={id}");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        // UK dates, filtered in the database: today has it, tomorrow has nothing yet.
        var today = LondonTime.ToLondon(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tomorrow = LondonTime.ToLondon(DateTimeOffset.UtcNow.AddDays(1)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(csv, await SignedInCsvAsync(app, $"AlertId={id}&From={today}&To={today}"));
        Assert.Equal(AuditCsv.Header + "\r\n", await SignedInCsvAsync(app, $"AlertId={id}&From={tomorrow}"));
        Assert.Equal(AuditCsv.Header, lines[0]);
        var line = Assert.Single(lines[1..]);
        Assert.Contains("\"api-key-1\",\"alert.created\"", line);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\"", line);
    }

    [Fact]
    public async Task Only_admins_and_approvers_read_the_audit_log()
    {
        var author = await app.StaffClientAsync("audit.author@ouh.example", Roles.Author);
        var response = await author.GetAsync("/Audit?handler=Csv");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery);

        var approver = await app.StaffClientAsync("audit.approver@ouh.example", Roles.Approver);
        Assert.Equal(HttpStatusCode.OK, (await approver.GetAsync("/Audit")).StatusCode);
    }

    [Fact]
    public async Task A_key_made_on_the_admin_page_is_shown_once_works_and_stops_working_when_revoked()
    {
        var admin = await SignInTests.SignedInClientAsync(app);
        var made = await admin.PostAsync("/Admin/ApiKeys", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Name"] = "Switchboard script",
            ["PublishesWithoutApproval"] = "true",
            ["__RequestVerificationToken"] = await SignInTests.TokenFromAsync(admin, "/Admin/ApiKeys"),
        }));
        var page = await made.Content.ReadAsStringAsync();
        var key = KeyShown().Match(page).Groups[1].Value;
        Assert.StartsWith("ab_", key);

        var script = app.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/alerts")).StatusCode);
        // Never shown again, and only its hash is stored.
        Assert.DoesNotContain(key, await admin.GetStringAsync("/Admin/ApiKeys"));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<DashboardDbContext>().ApiKeys.SingleAsync(k => k.Name == "Switchboard script");
            Assert.Equal(ApiKey.HashOf(key), stored.Hash);
        }

        var id = KeyId().Match(await admin.GetStringAsync("/Admin/ApiKeys")).Groups[1].Value;
        var revoked = await admin.PostAsync($"/Admin/ApiKeys?id={id}&handler=Revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await SignInTests.TokenFromAsync(admin, "/Admin/ApiKeys"),
        }));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/alerts")).StatusCode);
        Assert.Contains("\"api-key.revoked\"", await SignedInCsvAsync(app, "Action=api-key.revoked"));
    }

    internal static async Task<string> SignedInCsvAsync(DashboardApp app, string query)
    {
        var admin = await SignInTests.SignedInClientAsync(app);
        var response = await admin.GetAsync($"/Audit?handler=Csv&{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    internal static async Task AssertAppendOnlyAsync(DashboardApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
        var before = await db.AuditEntries.CountAsync();
        Assert.True(before > 0);
        var (update, delete) = db.Database.IsNpgsql()
            ? ("UPDATE dashboard.\"AuditEntries\" SET \"Summary\" = 'nothing happened'", "DELETE FROM dashboard.\"AuditEntries\"")
            : ("UPDATE AuditEntries SET Summary = 'nothing happened'", "DELETE FROM AuditEntries");

        var updated = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync(update));
        var deleted = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync(delete));

        Assert.Contains("append-only", updated?.Message);
        Assert.Contains("append-only", deleted?.Message);
        Assert.Equal(before, await db.AuditEntries.CountAsync());
        Assert.DoesNotContain(await db.AuditEntries.Select(e => e.Summary).ToListAsync(), s => s == "nothing happened");
    }

    [GeneratedRegex(@"data-secret>(ab_[A-Za-z0-9_-]+)<")]
    private static partial Regex KeyShown();

    [GeneratedRegex(@"ApiKeys\?[^""]*id=([0-9a-f-]{36})")]
    private static partial Regex KeyId();
}
