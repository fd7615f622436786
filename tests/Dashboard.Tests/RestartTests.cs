using AlertBroadcaster.Broadcaster.Storage;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task Alert_due_while_the_host_was_stopped_goes_live_exactly_once_after_a_restart()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "alert-broadcaster-tests", Guid.NewGuid().ToString("N"));
        DateTimeOffset effectiveFrom;
        Guid id;
        await using (var first = new DashboardApp { DataDirectory = dataDirectory })
        {
            var api = first.CreateApiClient();
            // Far enough ahead that the first app has certainly stopped by then, even on a loaded machine.
            effectiveFrom = DateTimeOffset.UtcNow.AddSeconds(8);
            var alert = await api.CreateAlertAsync(new { headline = "Visiting suspended at the Horton", sites = new[] { "horton" }, effectiveFrom });
            Assert.Equal("Scheduled", alert.GetProperty("status").GetString());
            id = alert.GetProperty("id").GetGuid();
        }

        Assert.True(DateTimeOffset.UtcNow < effectiveFrom, "the first host stopped before the alert was due: the window tests the restart");
        await Poll.UntilPastAsync(effectiveFrom.AddSeconds(1));

        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = new DashboardApp { DataDirectory = dataDirectory };
        var client = second.CreateClient();
        await client.WaitUntilInBannerAsync(id, "?site=horton");

        await using var scope = second.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var wentLive = await db.OutboxMessages.Where(m => m.AlertId == id && m.MessageType == typeof(AlertWentLive).FullName).ToListAsync();
        var only = Assert.Single(wentLive);
        Assert.True(only.CreatedAt >= restartedAt, "it went live in the restarted host");
        await Poll.UntilAsync(async () => (await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == only.Id)).DispatchedAt is not null, what: "AlertWentLive dispatched");
    }
}
