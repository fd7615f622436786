using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AlertBroadcaster.Dashboard.Identity;
using AlertBroadcaster.Dashboard.Tests.Account;

namespace AlertBroadcaster.Dashboard.Tests.Audit;

/// <summary>
/// A class of its own, with no shared app: two apps alive at once in one test process would share
/// one Quartz scheduler (schedulers are found by name, process-wide), and the second one's end
/// would shut down the first one's.
/// </summary>
public sealed class AuditLogOnPostgresTests
{
    /// <summary>The real server: approval and the append-only log on PostgreSQL, with its own migrations and trigger.</summary>
    [Fact]
    public async Task On_postgresql_an_approved_alert_goes_live_and_its_audit_trail_is_append_only()
    {
        await using var postgres = new DashboardApp { PostgresDatabase = $"approval_{Guid.NewGuid():N}", RequireApproval = true };
        var author = await postgres.StaffClientAsync("author@ouh.example", Roles.Author);
        var approver = await postgres.StaffClientAsync("approver@ouh.example", Roles.Approver);
        var submitted = await author.PostAsJsonAsync("/api/alerts", new { headline = "Visiting restrictions at the Horton", sites = new[] { "horton" } });
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.OK, (await approver.PostAsJsonAsync($"/api/alerts/{id}/approve", new { })).StatusCode);
        await postgres.CreateClient().WaitUntilInBannerAsync(id, "?site=horton");

        var csv = await AuditLogTests.SignedInCsvAsync(postgres, $"AlertId={id}");
        Assert.Contains("\"alert.submitted-for-approval\"", csv);
        Assert.Contains("\"alert.approved\"", csv);
        await AuditLogTests.AssertAppendOnlyAsync(postgres);
    }
}
