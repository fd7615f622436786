using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Tests.Email;
using AlertBroadcaster.TestSupport;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace AlertBroadcaster.Dashboard.Tests.Reliability;

/// <summary>
/// DESIGN.md's promises on the worst day, on the distributed topology (RabbitMQ, PostgreSQL, a
/// staff-only Dashboard, a Broadcaster and two Channels replicas as OS processes): a replica killed
/// or stopped mid-send, the broker, the mail server and the database going away, the scheduler
/// down across an expiry, a poison message. Each case asserts that nothing was lost and counts
/// the duplicates, which may only be the messages in flight at the fault.
/// </summary>
public sealed class ReliabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Email batch workers per replica, and recipients per batch.</summary>
    private const int Parallelism = 2;
    private const int BatchSize = 50;

    private DistributedTopology _topology = null!;

    private HttpClient Api => _topology.Dashboard.CreateApiClient();

    public async Task InitializeAsync() => _topology = await DistributedTopology.StartAsync(new()
    {
        ["Email__Parallelism"] = Parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email__BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync()
    {
        // A failed case may have left the broker stopped; the next test needs it.
        await Servers.StartRabbitMqAsync();
        await _topology.DisposeAsync();
    }

    [Fact]
    public async Task A_replica_killed_during_a_20000_recipient_fan_out_and_restarted_loses_no_one()
    {
        const int subscribers = 20_000;
        var alert = await StartFanOutAsync(subscribers);
        await WaitUntilReceivedAsync(alert, 3_000);

        await _topology.ReplicaA.KillAsync();
        var atKill = _topology.Smtp.About(alert).Count;
        await _topology.StartReplicaAsync("a");

        // The killed replica's batches wait out the job storage's invisibility timeout, then run again.
        var duplicates = await WaitUntilEveryoneHasItAsync(alert, subscribers, TimeSpan.FromMinutes(5));
        output.WriteLine($"{atKill} received at the kill; {duplicates} duplicates");
        Assert.True(atKill < subscribers, "the fan-out was over before the kill: the test proved nothing");
        // At most the killed replica's batches in flight (its sends are recorded every SendEmailBatchJob.FlushEvery).
        Assert.InRange(duplicates, 0, Parallelism * BatchSize);
    }

    [Fact]
    public async Task A_broker_restart_during_a_burst_of_300_alerts_loses_none_and_both_replicas_show_all()
    {
        const int count = 300;
        var ids = new ConcurrentBag<Guid>();
        var created = 0;
        var burst = Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            try
            {
                ids.Add(await CreateAlertAsync(new { headline = $"Burst alert {i}" }));
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                // A create that got no answer: what the processes were doing says where it waited.
                throw new InvalidOperationException($"Creating burst alert {i} failed: {ex.Message}\nThe processes said:\n{_topology.RecentOutput}", ex);
            }

            Interlocked.Increment(ref created);
        });

        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref created) >= 60), TimeSpan.FromMinutes(2), "the burst under way");
        await Servers.StopRabbitMqAsync();
        var atStop = Volatile.Read(ref created);
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref created) >= atStop + 20 || burst.IsCompleted), TimeSpan.FromMinutes(2),
            "alerts created while the broker is down");
        var duringOutage = Volatile.Read(ref created) - atStop;
        await Servers.StartRabbitMqAsync();
        await burst;

        output.WriteLine($"{atStop} created before the stop, {duringOutage} while the broker was down");
        Assert.Equal(count, ids.Distinct().Count());
        Assert.True(atStop < count && duringOutage > 0, "the burst was over before the broker stopped: the test proved nothing");
        try
        {
            foreach (var replica in _topology.Replicas)
            {
                await Poll.UntilAsync(async () => (await replica.CreateClient().BannerIdsAsync()).Intersect(ids).Count(),
                    shown => shown == count, TimeSpan.FromMinutes(3), $"all {count} alerts in {replica.Address}'s banner");
            }
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException(
                $"{timeout.Message}. The broker's queues (ready, unacknowledged, consumers):\n{await Servers.RabbitMqQueuesAsync()}\nThe processes said:\n{_topology.RecentOutput}", timeout);
        }
    }

    [Fact]
    public async Task The_mail_server_down_for_30_seconds_mid_fan_out_delays_but_loses_no_one()
    {
        const int subscribers = 3_000;
        var alert = await StartFanOutAsync(subscribers);
        await WaitUntilReceivedAsync(alert, 500);

        await _topology.Smtp.PauseAsync();
        var downAt = DateTimeOffset.UtcNow;
        var atOutage = _topology.Smtp.About(alert).Count;
        await Poll.UntilPastAsync(downAt.AddSeconds(30));
        _topology.Smtp.Resume();

        var duplicates = await WaitUntilEveryoneHasItAsync(alert, subscribers, TimeSpan.FromMinutes(4));
        output.WriteLine($"{atOutage} received before the outage; {duplicates} duplicates");
        Assert.True(atOutage < subscribers, "the fan-out was over before the outage: the test proved nothing");
        // A connection cut mid-message may repeat that message: one a worker on each replica.
        Assert.InRange(duplicates, 0, 2 * Parallelism);
    }

    [Fact]
    public async Task A_database_restart_mid_fan_out_delays_but_loses_no_one()
    {
        const int subscribers = 3_000;
        var alert = await StartFanOutAsync(subscribers);
        await WaitUntilReceivedAsync(alert, 500);

        await Servers.RestartPostgresAsync();
        var atRestart = _topology.Smtp.About(alert).Count;

        var duplicates = await WaitUntilEveryoneHasItAsync(alert, subscribers, TimeSpan.FromMinutes(4));
        output.WriteLine($"{atRestart} received at the restart; {duplicates} duplicates");
        Assert.True(atRestart < subscribers, "the fan-out was over before the restart: the test proved nothing");
        // Sends not yet recorded when the database went away: at most every batch in flight on both replicas.
        Assert.InRange(duplicates, 0, 2 * Parallelism * BatchSize);
    }

    [Fact]
    public async Task With_the_Broadcaster_down_across_an_expiry_the_banner_stops_at_expiresAt_and_the_expiry_is_announced_once_it_is_back()
    {
        await using var expiries = await BusWatch.StartAsync<AlertExpired>();
        // Long enough to be on both replicas and to stop the Broadcaster before it expires, even on a loaded machine.
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(20);
        var id = await CreateAlertAsync(new { headline = "Expires while the scheduler is down", expiresAt });
        foreach (var replica in _topology.Replicas)
        {
            var client = replica.CreateClient();
            await Poll.UntilAsync(async () => (await client.BannerIdsAsync()).Contains(id), TimeSpan.FromSeconds(15), $"alert {id} in {replica.Address}'s banner");
        }

        await _topology.Broadcaster.KillAsync();
        Assert.True(DateTimeOffset.UtcNow < expiresAt, "the alert expired before the Broadcaster stopped: the test proved nothing");

        // Both replicas asked again and again across the expiry: no answer to a request made after
        // expiresAt contains the alert, although no expiry event can have been published.
        var servedAfterExpiry = new List<string>();
        var clients = _topology.Replicas.Select(r => r.CreateClient()).ToList();
        while (DateTimeOffset.UtcNow < expiresAt.AddSeconds(3))
        {
            foreach (var client in clients)
            {
                var asked = DateTimeOffset.UtcNow;
                if ((await client.BannerIdsAsync()).Contains(id) && asked >= expiresAt)
                {
                    servedAfterExpiry.Add($"{client.BaseAddress} at {asked:HH:mm:ss.fff}");
                }
            }
        }

        Assert.Empty(servedAfterExpiry);
        Assert.Equal(0, expiries.Count(id));

        await _topology.StartBroadcasterAsync();
        await Poll.UntilAsync(() => Task.FromResult(expiries.Count(id) > 0), TimeSpan.FromSeconds(60), "the missed expiry announced after the restart");

        // Exactly once: an alert expiring after the restart is announced after any repeat of the first would have been.
        var marker = await CreateAlertAsync(new { headline = "Expires after the restart", expiresAt = DateTimeOffset.UtcNow.AddSeconds(8) });
        await Poll.UntilAsync(() => Task.FromResult(expiries.Count(marker) > 0), TimeSpan.FromSeconds(60), "the next expiry announced");
        Assert.Equal(1, expiries.Count(id));
        Assert.Equal("Expired", (await Api.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_replica_stopped_with_SIGTERM_mid_batch_exits_cleanly_and_loses_no_one()
    {
        const int subscribers = 3_000;
        var alert = await StartFanOutAsync(subscribers);
        await WaitUntilReceivedAsync(alert, 500);

        Assert.Equal(0, await _topology.ReplicaA.StopAsync());
        var atStop = _topology.Smtp.About(alert).Count;

        // The other replica takes what the stopped one handed back; nobody waits for a timeout.
        var duplicates = await WaitUntilEveryoneHasItAsync(alert, subscribers, TimeSpan.FromMinutes(3));
        output.WriteLine($"{atStop} received at the stop; {duplicates} duplicates");
        Assert.True(atStop < subscribers, "the fan-out was over before the stop: the test proved nothing");
        // What went out is recorded on the way out; only a message cut off mid-send can repeat.
        Assert.InRange(duplicates, 0, Parallelism);
    }

    [Fact]
    public async Task A_poison_message_in_the_shared_email_queue_is_parked_and_the_next_alert_still_goes_out()
    {
        const string queue = "email-alerts";
        var connection = await new ConnectionFactory { Uri = new Uri(DashboardApp.RabbitMqConnectionString) }.CreateConnectionAsync();
        await using var _ = connection;
        var parkedBefore = await ErrorQueue.ParkedAsync(connection, queue);

        await using (var channel = await connection.CreateChannelAsync())
        {
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString(), Persistent = true };
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes("{ \"message\": { \"alertId\": 42"));
        }

        await Poll.UntilAsync(async () => await ErrorQueue.ParkedAsync(connection, queue) > parkedBefore, TimeSpan.FromSeconds(30), $"the poison message in {queue}_error");
        var alert = await StartFanOutAsync(100);
        Assert.Equal(0, await WaitUntilEveryoneHasItAsync(alert, 100, TimeSpan.FromMinutes(1)));
    }

    /// <summary>
    /// Creates an alert: stored at once (201), or queued by the Dashboard when the Broadcaster does
    /// not answer in time, as while the broker is away (202) — published either way.
    /// </summary>
    private async Task<Guid> CreateAlertAsync(object alert)
    {
        var response = await Api.PostAsJsonAsync("/api/alerts", alert);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted,
            $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Imports <paramref name="subscribers"/> and publishes an email alert to all of them.</summary>
    private async Task<Guid> StartFanOutAsync(int subscribers)
    {
        var imported = await Api.ImportAsync(EmailTestCalls.Csv(Enumerable.Range(1, subscribers).Select(i => $"patient{i}@example.com,,,")));
        Assert.Equal(subscribers, imported.GetProperty("imported").GetInt32() + imported.GetProperty("updated").GetInt32());
        return await Api.CreateEmailAlertAsync("Visiting restrictions across the trust", kind: "VisitingRestrictions");
    }

    private Task WaitUntilReceivedAsync(Guid alert, int messages) =>
        Poll.UntilAsync(() => Task.FromResult(_topology.Smtp.About(alert).Count >= messages), TimeSpan.FromMinutes(2),
            $"{messages} messages received (the fan-out under way)");

    /// <summary>
    /// Waits until the Dashboard reports every recipient sent and the mail server has each address;
    /// returns the duplicates. Polls through the fault's after-effects (a refused connection, an
    /// error answer while a pool reconnects) until the deadline.
    /// </summary>
    private async Task<int> WaitUntilEveryoneHasItAsync(Guid alert, int subscribers, TimeSpan deadline)
    {
        var api = Api;
        try
        {
            // The counts are the last value, so a timeout says where the send stood (failed ones included).
            await Poll.UntilAsync<JsonElement?>(async () =>
            {
                try
                {
                    return await api.EmailDeliveryAsync(alert);
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            }, counts => counts is { } email && email.GetProperty("sent").GetInt32() == subscribers && email.GetProperty("pending").GetInt32() == 0,
                deadline, $"all {subscribers} sent for alert {alert}");
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException(
                $"{timeout.Message}; {_topology.Smtp.About(alert).Count} received. The delivery jobs:\n{await _topology.JobQueueAsync()}\nThe processes said:\n{_topology.RecentOutput}", timeout);
        }

        var recipients = _topology.Smtp.RecipientsOf(alert);
        Assert.Equal(subscribers, recipients.Distinct().Count());
        return recipients.Count - subscribers;
    }
}
