using AlertBroadcaster.Contracts;
using AlertBroadcaster.TestSupport;
using Npgsql;

namespace AlertBroadcaster.Dashboard.Tests;

/// <summary>Two Broadcasters on the clustered Quartz store: losing one loses no trigger and doubles none.</summary>
public sealed class SchedulerClusterTests
{
    [Fact]
    public async Task Killing_one_broadcaster_after_scheduling_leaves_the_other_to_fire_go_live_and_expiry_once_each()
    {
        var database = $"alerts_test_{Guid.NewGuid():N}";
        Dictionary<string, string> Engines() => new()
        {
            ["ConnectionStrings__Postgres"] = DashboardApp.PostgresConnectionString(database),
            ["ConnectionStrings__RabbitMq"] = DashboardApp.RabbitMqConnectionString,
        };

        // The first Broadcaster creates the schemas; the rest start on a ready database.
        await using var doomed = await HostProcess.StartAsync("Broadcaster", Engines());
        var staffOnly = Engines();
        staffOnly["Hosting__Embedded"] = "false";
        var started = await HostProcess.StartAllAsync(("Broadcaster", Engines()), ("Channels", Engines()), ("Dashboard", staffOnly));
        await using var survivor = started[0];
        await using var channels = started[1];
        await using var dashboard = started[2];

        // The dead node may hold the go-live trigger; the cluster hands it over once the node
        // misses its check-ins (a few seconds), well before the expiry.
        var effectiveFrom = DateTimeOffset.UtcNow.AddSeconds(3);
        var expiresAt = effectiveFrom.AddSeconds(20);
        var id = (await dashboard.CreateApiClient().CreateAlertAsync(new { headline = "Clustered", effectiveFrom, expiresAt }))
            .GetProperty("id").GetGuid();
        await doomed.KillAsync();

        await Poll.UntilAsync(async () => (await EventsAsync(database, id)).Contains(nameof(AlertExpired)),
            TimeSpan.FromSeconds(60), "go-live and expiry fired by the surviving Broadcaster");
        var events = await EventsAsync(database, id);
        Assert.Equal([nameof(AlertWentLive), nameof(AlertExpired)], events);
        Assert.DoesNotContain(id, await channels.CreateClient().BannerIdsAsync());
    }

    /// <summary>The events the Broadcasters wrote for one alert, in order.</summary>
    private static async Task<List<string>> EventsAsync(string database, Guid alertId)
    {
        await using var connection = new NpgsqlConnection(DashboardApp.PostgresConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT \"MessageType\" FROM broadcaster.\"OutboxMessages\" WHERE \"AlertId\" = @id ORDER BY \"Id\"", connection);
        command.Parameters.AddWithValue("id", alertId);
        var events = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add(reader.GetString(0).Split('.')[^1]);
        }

        return events;
    }
}
