using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

// Publish → visible on every replica: creates alerts one at a time through the Dashboard's API and
// times each from the POST until every Channels replica's banner lists it.
// Then, with --expiring N (default 0): expiry. N alerts, one every half second, each expiring 4 s
// after it was sent; two figures per alert, both against its expiresAt:
//   - banner: when it leaves each replica's banner (a poller per replica, every few ms; the time
//     of the first response without it), and whether any response to a request sent at or after
//     expiresAt still listed it (an expired alert served);
//   - event: when the Broadcaster recorded the expiry (status Expired, updatedAt: the moment the
//     AlertExpired event was written to its outbox).
// Prints human lines and "RESULT key=value" lines for bench/run-all.sh.
// Usage: PublishLatency <dashboard-url> <api-key> <count> [--expiring N] <replica-url> [<replica-url> …]
var arguments = args.ToList();
var expiring = 0;
if (arguments.IndexOf("--expiring") is >= 0 and var at && at + 1 < arguments.Count)
{
    expiring = int.Parse(arguments[at + 1], CultureInfo.InvariantCulture);
    arguments.RemoveRange(at, 2);
}

if (arguments.Count < 4)
{
    Console.Error.WriteLine("usage: PublishLatency <dashboard-url> <api-key> <count> [--expiring N] <replica-url>...");
    return 2;
}

var api = new HttpClient { BaseAddress = new Uri(arguments[0]), Timeout = TimeSpan.FromSeconds(30) };
api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", arguments[1]);
var count = int.Parse(arguments[2], CultureInfo.InvariantCulture);
var replicas = arguments[3..].Select(url => new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) }).ToArray();

static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

static double Percentile(List<double> sorted, double p) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];

async Task<double> PublishOnceAsync(int n)
{
    var clock = Stopwatch.StartNew();
    var response = await api.PostAsJsonAsync("/api/alerts", new { headline = $"Benchmark alert {n}" });
    response.EnsureSuccessStatusCode();
    var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    await Task.WhenAll(replicas.Select(async replica =>
    {
        while (!(await replica.GetStringAsync("/api/banner/current")).Contains(id, StringComparison.Ordinal))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"alert {id} not on {replica.BaseAddress} after 30 s");
            }

            await Task.Delay(1);
        }
    }));
    var elapsed = clock.Elapsed.TotalMilliseconds;
    // Keep the banner small for the next round; not timed.
    (await api.PostAsync($"/api/alerts/{id}/withdraw", null)).EnsureSuccessStatusCode();
    return elapsed;
}

for (var i = 0; i < 5; i++)
{
    await PublishOnceAsync(-i);
}

var samples = new List<double>(count);
for (var i = 0; i < count; i++)
{
    samples.Add(await PublishOnceAsync(i));
}

samples.Sort();
Console.WriteLine($"publish → visible on {replicas.Length} replicas, {count} alerts, one at a time");
Console.WriteLine($"p50 {F(Percentile(samples, 0.50))} ms   p90 {F(Percentile(samples, 0.90))} ms   p99 {F(Percentile(samples, 0.99))} ms   max {F(samples[^1])} ms");
Console.WriteLine($"RESULT publish.count={count}");
Console.WriteLine($"RESULT publish.replicas={replicas.Length}");
Console.WriteLine($"RESULT publish.p50_ms={F(Percentile(samples, 0.50))}");
Console.WriteLine($"RESULT publish.p90_ms={F(Percentile(samples, 0.90))}");
Console.WriteLine($"RESULT publish.p99_ms={F(Percentile(samples, 0.99))}");
Console.WriteLine($"RESULT publish.max_ms={F(samples[^1])}");

if (expiring <= 0)
{
    return 0;
}

// Expiry. id → expiresAt as accepted; per replica, id → when it was first missing after being seen.
var lifetime = TimeSpan.FromSeconds(4);
var expiries = new ConcurrentDictionary<Guid, DateTimeOffset>();
var seen = replicas.Select(_ => new ConcurrentDictionary<Guid, byte>()).ToArray();
var gone = replicas.Select(_ => new ConcurrentDictionary<Guid, DateTimeOffset>()).ToArray();
long servedExpired = 0, pollErrors = 0, polls = 0;
var publishFailures = 0;
using var stopPolling = new CancellationTokenSource();

async Task PollAsync(int r, CancellationToken stop)
{
    while (!stop.IsCancellationRequested)
    {
        var sentAt = DateTimeOffset.UtcNow;
        try
        {
            var body = await replicas[r].GetStringAsync("/api/banner/current", stop);
            var receivedAt = DateTimeOffset.UtcNow;
            Interlocked.Increment(ref polls);
            var listed = new HashSet<Guid>();
            using (var json = JsonDocument.Parse(body))
            {
                foreach (var alert in json.RootElement.GetProperty("alerts").EnumerateArray())
                {
                    listed.Add(alert.GetProperty("id").GetGuid());
                }
            }

            foreach (var (id, expiresAt) in expiries)
            {
                if (listed.Contains(id))
                {
                    seen[r].TryAdd(id, 0);
                    if (expiresAt <= sentAt)
                    {
                        Interlocked.Increment(ref servedExpired);
                        Console.WriteLine($"EXPIRED ALERT SERVED by {replicas[r].BaseAddress}: {id} expiresAt {expiresAt:O}, request sent {sentAt:O}");
                    }
                }
                else if (seen[r].ContainsKey(id))
                {
                    gone[r].TryAdd(id, receivedAt);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            Interlocked.Increment(ref pollErrors);
        }

        try
        {
            await Task.Delay(5, stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }
    }
}

async Task PublishExpiringAsync(int n)
{
    var expiresAt = DateTimeOffset.UtcNow + lifetime;
    using var response = await api.PostAsJsonAsync("/api/alerts", new { headline = $"Expiring benchmark alert {n}", expiresAt });
    if (!response.IsSuccessStatusCode)
    {
        Interlocked.Increment(ref publishFailures);
        Console.Error.WriteLine($"expiring alert {n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return;
    }

    var alert = await response.Content.ReadFromJsonAsync<JsonElement>();
    expiries[alert.GetProperty("id").GetGuid()] = alert.GetProperty("expiresAt").GetDateTimeOffset();
}

var pollers = Enumerable.Range(0, replicas.Length).Select(r => Task.Run(() => PollAsync(r, stopPolling.Token))).ToArray();
var publishes = new List<Task>();
using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500)))
{
    var n = 0;
    do
    {
        publishes.Add(PublishExpiringAsync(++n));
    }
    while (n < expiring && await timer.WaitForNextTickAsync());
}

await Task.WhenAll(publishes);
// Watch until every alert has left every replica's banner, or 10 s after the last expiry.
var watchDeadline = expiries.Values.DefaultIfEmpty(DateTimeOffset.UtcNow).Max() + TimeSpan.FromSeconds(10);
while (DateTimeOffset.UtcNow < watchDeadline && !gone.All(g => expiries.Keys.All(g.ContainsKey)))
{
    await Task.Delay(50);
}

stopPolling.Cancel();
await Task.WhenAll(pollers);

// The Broadcaster's record of each expiry: status Expired, updatedAt.
var eventLags = new List<double>();
var notExpired = 0;
foreach (var (id, expiresAt) in expiries)
{
    var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
    while (true)
    {
        var alert = await api.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");
        if (alert.GetProperty("status").GetString() == "Expired")
        {
            eventLags.Add((alert.GetProperty("updatedAt").GetDateTimeOffset() - expiresAt).TotalMilliseconds);
            break;
        }

        if (DateTimeOffset.UtcNow > deadline)
        {
            notExpired++;
            Console.WriteLine($"alert {id} not Expired 30 s after its expiresAt: status {alert.GetProperty("status").GetString()}");
            break;
        }

        await Task.Delay(100);
    }
}

var bannerLags = new List<double>();
var neverSeen = 0;
var neverLeft = 0;
for (var r = 0; r < replicas.Length; r++)
{
    foreach (var (id, expiresAt) in expiries)
    {
        if (gone[r].TryGetValue(id, out var leftAt))
        {
            bannerLags.Add((leftAt - expiresAt).TotalMilliseconds);
        }
        else if (seen[r].ContainsKey(id))
        {
            neverLeft++;
        }
        else
        {
            neverSeen++;
        }
    }
}

bannerLags.Sort();
eventLags.Sort();
Console.WriteLine($"expiry: {expiries.Count} alerts ({publishFailures} refused or failed), one every 0.5 s, each expiring {lifetime.TotalSeconds:0} s after it was sent; "
    + $"{polls:N0} banner polls of {replicas.Length} replicas ({pollErrors} errors)");
Console.WriteLine($"left the banner after expiresAt (time of the first response without it, {bannerLags.Count} alert×replica): "
    + $"p50 {F(Percentile(bannerLags, 0.5))} ms   p99 {F(Percentile(bannerLags, 0.99))} ms   max {F(bannerLags.LastOrDefault(double.NaN))} ms"
    + (neverSeen + neverLeft > 0 ? $"; {neverSeen} never seen live, {neverLeft} never left" : ""));
Console.WriteLine($"expiry event (Broadcaster status Expired, its updatedAt) after expiresAt ({eventLags.Count} alerts): "
    + $"p50 {F(Percentile(eventLags, 0.5))} ms   p99 {F(Percentile(eventLags, 0.99))} ms   max {F(eventLags.LastOrDefault(double.NaN))} ms"
    + (notExpired > 0 ? $"; {notExpired} not Expired after 30 s" : ""));
Console.WriteLine($"expired alerts served: {servedExpired} (must be 0)");
Console.WriteLine($"RESULT expiry.alerts={expiries.Count}");
Console.WriteLine($"RESULT expiry.publish_failures={publishFailures}");
Console.WriteLine($"RESULT expiry.banner_samples={bannerLags.Count}");
Console.WriteLine($"RESULT expiry.banner_never_seen={neverSeen}");
Console.WriteLine($"RESULT expiry.banner_never_left={neverLeft}");
Console.WriteLine($"RESULT expiry.banner_lag_p50_ms={F(Percentile(bannerLags, 0.5))}");
Console.WriteLine($"RESULT expiry.banner_lag_p99_ms={F(Percentile(bannerLags, 0.99))}");
Console.WriteLine($"RESULT expiry.banner_lag_max_ms={F(bannerLags.LastOrDefault(double.NaN))}");
Console.WriteLine($"RESULT expiry.event_samples={eventLags.Count}");
Console.WriteLine($"RESULT expiry.event_not_expired={notExpired}");
Console.WriteLine($"RESULT expiry.event_lag_p50_ms={F(Percentile(eventLags, 0.5))}");
Console.WriteLine($"RESULT expiry.event_lag_p99_ms={F(Percentile(eventLags, 0.99))}");
Console.WriteLine($"RESULT expiry.event_lag_max_ms={F(eventLags.LastOrDefault(double.NaN))}");
Console.WriteLine($"RESULT expiry.served_expired={servedExpired}");
Console.WriteLine($"RESULT expiry.banner_polls={polls}");
return servedExpired > 0 ? 1 : 0;
