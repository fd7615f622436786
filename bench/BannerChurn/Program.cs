using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

// Banner under churn: for <seconds>, creates one alert a second for <site> through the Dashboard's
// API, each expiring about 3 s later, while several loops poll the Channels replica's
// /api/banner/current?site=<site> (no If-None-Match) and check every alert in every response
// against the moment its request was SENT: an alert whose expiresAt is at or before that moment
// was expired before the server could have read the clock, so serving it is a violation.
// The checkers go on for a few seconds after the last publish so the last alerts expire under watch.
// Exits 1 if any response held an expired alert; 3 if the check proved nothing (no answers, or no
// churn alert ever seen live).
// Usage: BannerChurn <dashboard-url> <api-key> <channels-url> <site> <seconds> [<checker loops, default 4>]
if (args.Length < 5)
{
    Console.Error.WriteLine("usage: BannerChurn <dashboard-url> <api-key> <channels-url> <site> <seconds> [<checker loops>]");
    return 2;
}

var api = new HttpClient { BaseAddress = new Uri(args[0]), Timeout = TimeSpan.FromSeconds(30) };
api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", args[1]);
var channels = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
{
    BaseAddress = new Uri(args[2]),
    Timeout = TimeSpan.FromSeconds(30),
};
var site = args[3];
var seconds = int.Parse(args[4]);
var loops = args.Length > 5 ? int.Parse(args[5]) : 4;
var lifetime = TimeSpan.FromSeconds(3);
var tail = lifetime + TimeSpan.FromSeconds(1);
var bannerUrl = $"/api/banner/current?site={Uri.EscapeDataString(site)}";

var published = new ConcurrentDictionary<Guid, DateTimeOffset>(); // id → expiresAt as accepted
var refused = 0;
var failedPublishes = 0;
var publishMs = new ConcurrentBag<double>();
long responses = 0, errors = 0, alertsChecked = 0, violations = 0;
var seen = new ConcurrentDictionary<Guid, byte>();
var closestMarginMs = double.MaxValue; // smallest (expiresAt − sentAt) among churn alerts served
var marginLock = new object();
var details = new ConcurrentQueue<string>();

using var stopCheckers = new CancellationTokenSource();

async Task PublishAsync(int n)
{
    var clock = Stopwatch.StartNew();
    var expiresAt = DateTimeOffset.UtcNow + lifetime;
    try
    {
        using var response = await api.PostAsJsonAsync("/api/alerts", new
        {
            kind = "General",
            severity = "Info",
            headline = $"Churn alert {n}",
            body = "Published by bench/banner.sh; expires three seconds after it was sent.",
            sites = new[] { site },
            expiresAt,
        });
        if (!response.IsSuccessStatusCode)
        {
            // 400 when the alert reached the Broadcaster after its expiry (a slow moment): not served, not a violation.
            Interlocked.Increment(ref refused);
            Console.Error.WriteLine($"publish {n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return;
        }

        var alert = await response.Content.ReadFromJsonAsync<JsonElement>();
        published[alert.GetProperty("id").GetGuid()] = alert.GetProperty("expiresAt").GetDateTimeOffset();
        publishMs.Add(clock.Elapsed.TotalMilliseconds);
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        Interlocked.Increment(ref failedPublishes);
        Console.Error.WriteLine($"publish {n}: {e.Message}");
    }
}

async Task CheckLoopAsync(CancellationToken stop)
{
    while (!stop.IsCancellationRequested)
    {
        var sentAt = DateTimeOffset.UtcNow;
        try
        {
            using var response = await channels.GetAsync(bannerUrl, stop);
            var body = await response.Content.ReadAsByteArrayAsync(stop);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref errors);
                continue;
            }

            using var json = JsonDocument.Parse(body);
            foreach (var alert in json.RootElement.GetProperty("alerts").EnumerateArray())
            {
                Interlocked.Increment(ref alertsChecked);
                var id = alert.GetProperty("id").GetGuid();
                seen.TryAdd(id, 0);
                if (alert.GetProperty("expiresAt") is { ValueKind: JsonValueKind.String } e)
                {
                    var expiresAt = e.GetDateTimeOffset();
                    var margin = (expiresAt - sentAt).TotalMilliseconds;
                    lock (marginLock)
                    {
                        closestMarginMs = Math.Min(closestMarginMs, margin);
                    }

                    if (expiresAt <= sentAt)
                    {
                        Interlocked.Increment(ref violations);
                        details.Enqueue($"EXPIRED ALERT SERVED: {id} expiresAt {expiresAt:O}, request sent {sentAt:O} ({-margin:0.0} ms after expiry), "
                            + $"generatedAt {json.RootElement.GetProperty("generatedAt").GetString()}");
                    }
                }
            }

            Interlocked.Increment(ref responses);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            Interlocked.Increment(ref errors);
        }
    }
}

var checkers = Enumerable.Range(0, loops).Select(_ => Task.Run(() => CheckLoopAsync(stopCheckers.Token))).ToArray();
var publishes = new List<Task>();
var started = Stopwatch.StartNew();
using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(1)))
{
    var n = 0;
    do
    {
        publishes.Add(PublishAsync(++n)); // not awaited here: one a second even when a publish is slow
    }
    while (n < seconds && await timer.WaitForNextTickAsync());
}

await Task.WhenAll(publishes);
var lastExpiry = published.Values.DefaultIfEmpty(DateTimeOffset.UtcNow).Max();
var watchUntil = lastExpiry + TimeSpan.FromSeconds(1);
if (watchUntil > DateTimeOffset.UtcNow)
{
    await Task.Delay(watchUntil - DateTimeOffset.UtcNow);
}

stopCheckers.Cancel();
await Task.WhenAll(checkers);
var elapsed = started.Elapsed.TotalSeconds;

var now = DateTimeOffset.UtcNow;
var expired = published.Values.Count(e => e <= now);
var seenChurn = published.Keys.Count(seen.ContainsKey);
var sortedPublish = publishMs.OrderBy(x => x).ToArray();
double Pct(double p) => sortedPublish.Length == 0 ? double.NaN : sortedPublish[Math.Min(sortedPublish.Length - 1, (int)Math.Ceiling(p * sortedPublish.Length) - 1)];

foreach (var line in details.Take(20))
{
    Console.WriteLine(line);
}

if (details.Count > 20)
{
    Console.WriteLine($"… and {details.Count - 20} more expired alerts served");
}

Console.WriteLine($"churn: {published.Count} alerts published ({refused} refused, {failedPublishes} failed), {expired} expired during the run, "
    + $"each expiring {lifetime.TotalSeconds:0} s after it was sent; publish request "
    + (sortedPublish.Length == 0 ? "n/a" : $"p50 {Pct(0.5):0} ms, max {Pct(1.0):0} ms"));
Console.WriteLine($"checker: {responses:N0} responses checked in {elapsed:0.0} s by {loops} loops ({errors} errors), {alertsChecked:N0} alerts in them, "
    + $"{seenChurn} of the {published.Count} churn alerts seen live");
Console.WriteLine($"checker and publisher (this console) used {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0.0} CPU-seconds, "
    + $"{responses / elapsed:N0} banner requests/s on top of wrk's");
Console.WriteLine("closest an alert came to expiry in a response: " + closestMarginMs switch
{
    double.MaxValue => "n/a (no alert with an expiry was served)",
    > 0 => $"{closestMarginMs:0.0} ms before",
    _ => $"{-closestMarginMs:0.0} ms AFTER it",
});
Console.WriteLine($"expired alerts served: {violations} (must be 0)");
// For bench/run-all.sh.
Console.WriteLine($"RESULT churn.alerts_published={published.Count}");
Console.WriteLine($"RESULT churn.alerts_seen_live={seenChurn}");
Console.WriteLine($"RESULT churn.responses_checked={responses}");
Console.WriteLine($"RESULT churn.alerts_checked={alertsChecked}");
Console.WriteLine($"RESULT churn.errors={errors}");
Console.WriteLine("RESULT churn.closest_margin_ms=" + (closestMarginMs == double.MaxValue ? "" : closestMarginMs.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)));
Console.WriteLine($"RESULT churn.expired_served={violations}");
if (violations > 0)
{
    return 1;
}

if (responses == 0 || seenChurn == 0)
{
    Console.WriteLine("the check proved nothing: " + (responses == 0 ? "no banner response was read" : "no churn alert was ever seen live"));
    return 3;
}

return 0;
