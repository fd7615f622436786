using System.Net;
using AlertBroadcaster.Broadcaster.Storage;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Tests.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests;

/// <summary>
/// The whole host on the production engines, RabbitMQ and PostgreSQL (started by
/// scripts/servers.sh): every store in its own schema, Quartz on the clustered PostgreSQL store.
/// </summary>
public sealed class DistributedEnginesTests
{
    private static string NewDatabase() => $"alerts_test_{Guid.NewGuid():N}";

    [Fact]
    public async Task Alert_flows_to_the_banner_and_expires_on_RabbitMQ_and_PostgreSQL()
    {
        await using var app = new DashboardApp { UseRabbitMq = true, PostgresDatabase = NewDatabase() };
        var api = app.CreateApiClient();
        var banner = app.CreateClient();
        // Room for the publish to reach the banner over RabbitMQ before the alert ends, on a loaded machine.
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(10);

        var id = (await api.CreateAlertAsync(new { kind = "VisitingRestrictions", headline = "Visiting restrictions", expiresAt })).GetProperty("id").GetGuid();
        await banner.WaitUntilInBannerAsync(id);
        await banner.WaitUntilNotInBannerAsync(id);
        Assert.True(DateTimeOffset.UtcNow >= expiresAt.AddMilliseconds(-100));
        await Poll.UntilAsync(async () => (await api.GetStringAsync($"/api/alerts/{id}")).Contains("\"Expired\""), what: "status Expired");
    }

    [Fact]
    public async Task Sign_in_works_against_the_PostgreSQL_user_store()
    {
        await using var app = new DashboardApp { UseRabbitMq = true, PostgresDatabase = NewDatabase() };
        var client = await Account.SignInTests.SignedInClientAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Scheduled_alert_due_during_a_stop_goes_live_once_after_restart_on_PostgreSQL()
    {
        var database = NewDatabase();
        DateTimeOffset effectiveFrom;
        Guid id;
        await using (var first = new DashboardApp { UseRabbitMq = true, PostgresDatabase = database })
        {
            var api = first.CreateApiClient();
            // Far enough ahead that the first app has certainly stopped by then, even on a loaded machine.
            effectiveFrom = DateTimeOffset.UtcNow.AddSeconds(8);
            id = (await api.CreateAlertAsync(new { headline = "From eight seconds", effectiveFrom })).GetProperty("id").GetGuid();
        }

        Assert.True(DateTimeOffset.UtcNow < effectiveFrom, "the first host stopped before the alert was due: the window tests the restart");

        await Poll.UntilPastAsync(effectiveFrom.AddSeconds(1));
        await using var second = new DashboardApp { UseRabbitMq = true, PostgresDatabase = database };
        await second.CreateClient().WaitUntilInBannerAsync(id);
        Assert.Contains("\"Live\"", await second.CreateApiClient().GetStringAsync($"/api/alerts/{id}"));
        await using var scope = second.Services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<AlertsDbContext>().OutboxMessages;
        Assert.Equal(1, await outbox.CountAsync(m => m.AlertId == id && m.MessageType == typeof(AlertWentLive).FullName));
    }

    [Fact]
    public async Task A_job_lock_left_by_a_holder_that_died_holds_the_batches_back_for_seconds_not_minutes()
    {
        await using var smtp = TestSmtpServer.Start();
        var database = NewDatabase();
        await using var app = new DashboardApp { UseRabbitMq = true, PostgresDatabase = database, Smtp = smtp };
        var api = app.CreateApiClient();
        await api.ImportAsync(EmailTestCalls.Csv(Enumerable.Range(1, 20).Select(i => $"patient{i}@example.com,,,")));

        // What a database restart or a killed process leaves behind: each job's state lock taken, and
        // never released. Hangfire.PostgreSql's default would make every job wait 10 minutes for them.
        await using (var connection = new Npgsql.NpgsqlConnection(DashboardApp.PostgresConnectionString(database)))
        {
            await connection.OpenAsync();
            await using var abandoned = new Npgsql.NpgsqlCommand($"""
                INSERT INTO "{Channels.Jobs.DeliveryJobs.Schema}"."lock" ("resource", "acquired")
                SELECT '{Channels.Jobs.DeliveryJobs.Schema}:job:' || n || ':state-lock', now() FROM generate_series(1, 1000) AS n
                """, connection);
            await abandoned.ExecuteNonQueryAsync();
        }

        var alert = await api.CreateEmailAlertAsync("Sent despite the abandoned locks");

        await api.WaitUntilDeliveredAsync(alert, sent: 20, TimeSpan.FromMinutes(3));
        Assert.Equal(20, smtp.RecipientsOf(alert).Distinct().Count());
    }
}
