using AlertBroadcaster.Contracts;
using AlertBroadcaster.TestSupport;
using Microsoft.Data.Sqlite;

namespace AlertBroadcaster.Dashboard.Tests;

/// <summary>The restart case with the real program: killed, started again on the same data folder.</summary>
public sealed class ProcessRestartTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Alert_due_while_the_process_was_killed_goes_live_exactly_once_after_it_starts_again()
    {
        DateTimeOffset effectiveFrom;
        Guid id;
        await using (var first = await HostProcess.StartDashboardAsync(_data.Path))
        {
            // Far enough ahead that the process has certainly been killed by then, even on a loaded machine.
            effectiveFrom = DateTimeOffset.UtcNow.AddSeconds(8);
            var alert = await first.CreateApiClient().CreateAlertAsync(new { headline = "Visiting suspended at the Churchill", effectiveFrom });
            Assert.Equal("Scheduled", alert.GetProperty("status").GetString());
            id = alert.GetProperty("id").GetGuid();
            await first.KillAsync();
        }

        Assert.True(DateTimeOffset.UtcNow < effectiveFrom, "the process was killed before the alert was due: the window tests the restart");
        Assert.Empty(WentLiveRows(id));
        await Poll.UntilPastAsync(effectiveFrom.AddSeconds(1));

        await using var second = await HostProcess.StartDashboardAsync(_data.Path);
        await second.CreateApiClient().WaitUntilInBannerAsync(id);
        Assert.Single(WentLiveRows(id));
    }

    /// <summary>The Broadcaster's outbox rows announcing that this alert went live.</summary>
    private List<long> WentLiveRows(Guid alertId)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "broadcaster.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, AlertId FROM OutboxMessages WHERE MessageType = $type";
        command.Parameters.AddWithValue("$type", typeof(AlertWentLive).FullName);
        using var reader = command.ExecuteReader();
        var rows = new List<long>();
        while (reader.Read())
        {
            if (Guid.Parse(reader.GetString(1)) == alertId)
            {
                rows.Add(reader.GetInt64(0));
            }
        }

        return rows;
    }
}
