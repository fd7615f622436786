using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AlertBroadcaster.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AlertBroadcaster.Dashboard.Tests.Metrics;

/// <summary>Reading a Prometheus text-format scrape.</summary>
public static partial class Scrape
{
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include each of <paramref name="labels"/> (<c>key="value"</c>); 0 when none.</summary>
    public static double Value(string scrape, string name, params string[] labels) =>
        Sample().Matches(scrape)
            .Where(m => m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    /// <summary>Scrapes until <paramref name="done"/> holds (the exporter caches a scrape for a moment).</summary>
    public static Task<string> UntilAsync(HttpClient client, Func<string, bool> done, string what) =>
        Poll.UntilAsync(async () =>
        {
            var response = await client.GetAsync("/metrics");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : $"HTTP {(int)response.StatusCode}";
        }, done, TimeSpan.FromSeconds(30), what);
}

/// <summary>
/// The in-process test server has no network, so no client address (<c>RemoteIpAddress</c> is
/// null). This filter plays the network: a request's <c>X-Test-Connection-From</c> header becomes
/// its connection's address, and is removed before the app sees the request.
/// </summary>
public sealed class TestNetwork : IStartupFilter
{
    public const string Header = "X-Test-Connection-From";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.Remove(Header, out var from))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(from.ToString());
            }

            return nextMiddleware(context);
        });
        next(app);
    };

    public static HttpRequestMessage From(string address, string path = "/metrics")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(Header, address);
        return request;
    }
}
