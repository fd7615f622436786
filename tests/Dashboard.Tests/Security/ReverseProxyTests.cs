using System.Net;
using System.Net.Sockets;
using AlertBroadcaster.ServiceDefaults;
using AlertBroadcaster.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace AlertBroadcaster.Dashboard.Tests.Security;

/// <summary>
/// <c>Hosting:TrustedProxies</c> on a built Channels program over real HTTP: only a real connection
/// has an address to compare with the trusted proxies (an in-process test server has none).
/// </summary>
public sealed class ReverseProxyTests : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private int _subscribers;

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Behind_a_trusted_proxy_the_subscribe_limit_counts_each_person_not_the_proxy()
    {
        await using var channels = await StartChannelsAsync(("Hosting__TrustedProxies__0", Proxy.ToString()));

        Assert.Equal(HttpStatusCode.OK, await SubscribeAsync(channels, from: "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await SubscribeAsync(channels, from: "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SubscribeAsync(channels, from: "203.0.113.1"));
        // Someone else behind the same proxy is not held back by the first person's requests.
        Assert.Equal(HttpStatusCode.OK, await SubscribeAsync(channels, from: "203.0.113.2"));

        // The operators' figures stay off the proxied path, even for a private address behind it, and
        // for the proxy's own connections that name no one; a scraper beside the process still reads them.
        using var proxy = Client(channels, Proxy);
        using var proxied = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        proxied.Headers.Add("X-Forwarded-For", "10.1.2.3");
        Assert.Equal(HttpStatusCode.NotFound, (await proxy.SendAsync(proxied)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await proxy.GetAsync("/metrics")).StatusCode);
        using var scraper = Client(channels, IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Without_trusted_proxies_a_forwarded_address_is_not_believed()
    {
        await using var channels = await StartChannelsAsync();

        Assert.Equal(HttpStatusCode.OK, await SubscribeAsync(channels, from: "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await SubscribeAsync(channels, from: "203.0.113.2"));
        // A new X-Forwarded-For each time does not buy a new allowance.
        Assert.Equal(HttpStatusCode.TooManyRequests, await SubscribeAsync(channels, from: "203.0.113.3"));
    }

    [Theory]
    [InlineData("Hosting:TrustedProxies:0", "nginx")]
    [InlineData("Hosting:TrustedProxies", "10.0.0.5, 10.0.0.0/33")]
    public void A_trusted_proxy_that_is_not_an_address_stops_the_start_naming_its_key(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new(key, value)]);

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddReverseProxies());

        Assert.Contains(key, refused.Message);
    }

    private async Task<HostProcess> StartChannelsAsync(params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = _data.Path,
            ["Subscriptions__RequestsPerAddressPer15Minutes"] = "2",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        return await HostProcess.StartAsync("Channels", environment);
    }

    /// <summary>The proxy's address: loopback, but not the one a client on this machine uses by default.</summary>
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.2");

    /// <summary>A client whose connections come from <paramref name="from"/> (any address of 127.0.0.0/8 is this machine).</summary>
    private static HttpClient Client(HostProcess channels, IPAddress from) => new(new SocketsHttpHandler
    {
        CookieContainer = new CookieContainer(),
        AllowAutoRedirect = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = channels.Address };

    /// <summary>The subscribe form, then its post as the proxy would pass on a request from <paramref name="from"/>.</summary>
    private async Task<HttpStatusCode> SubscribeAsync(HostProcess channels, string from)
    {
        using var browser = Client(channels, Proxy);
        var form = await browser.GetStringAsync("/subscribe");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/subscribe")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = $"person{Interlocked.Increment(ref _subscribers)}@example.com",
                ["__RequestVerificationToken"] = Antiforgery.TokenIn(form),
            }),
        };
        post.Headers.Add("X-Forwarded-For", from);
        return (await browser.SendAsync(post)).StatusCode;
    }
}
