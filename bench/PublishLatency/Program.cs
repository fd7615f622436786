using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

// Publish → visible on every replica: creates alerts one at a time through the Dashboard's API and
// times each from the POST until every Channels replica's banner lists it.
// Usage: PublishLatency <dashboard-url> <api-key> <count> <replica-url> [<replica-url> …]
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: PublishLatency <dashboard-url> <api-key> <count> <replica-url>...");
    return 2;
}

var api = new HttpClient { BaseAddress = new Uri(args[0]) };
api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", args[1]);
var count = int.Parse(args[2]);
var replicas = args[3..].Select(url => new HttpClient { BaseAddress = new Uri(url) }).ToArray();

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
double Percentile(double p) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(p * samples.Count) - 1)];
Console.WriteLine($"publish → visible on {replicas.Length} replicas, {count} alerts, one at a time");
Console.WriteLine($"p50 {Percentile(0.50):0.0} ms   p90 {Percentile(0.90):0.0} ms   p99 {Percentile(0.99):0.0} ms   max {samples[^1]:0.0} ms");
return 0;
