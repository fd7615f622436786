using System.Net;
using System.Xml.Linq;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Channels.Feeds;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static AlertBroadcaster.Channels.Tests.Feeds.FeedTestData;

namespace AlertBroadcaster.Channels.Tests.Feeds;

/// <summary>The feed endpoints on a test server, with only what they read registered.</summary>
public sealed class FeedsApiTests : IAsyncLifetime
{
    private readonly BannerProjection _projection = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(_projection);
        builder.Services.AddSingleton(Sites);
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        builder.Services.Configure<BannerOptions>(o => o.MaxAgeSeconds = 60);
        builder.Services.Configure<FeedOptions>(o =>
        {
            o.CapSender = "alerts@ouh.example";
            o.PublicBaseUrl = "https://alerts.example.nhs.uk";
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddOutputCache(o => o.AddPolicy(BannerOutputCache.PolicyName, new BannerOutputCache()));
        builder.Services.AddHostedService<BannerCacheEviction>();
        builder.Services.AddCors(o => o.AddPolicy(BannerApi.CorsPolicy, p => p.AllowAnyOrigin()));
        _app = builder.Build();
        _app.UseCors();
        _app.UseOutputCache();
        _app.MapAlertFeeds();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(FeedsApi.AtomPath)]
    [InlineData(FeedsApi.CapPath)]
    public async Task Feed_is_served_as_Atom_and_cached_until_the_next_expiry(string path)
    {
        _projection.Apply(Live(Content(until: Now.AddSeconds(42))));

        using var response = await _client.GetAsync(path + "?site=horton");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        // One second short: a copy served from the output cache says its age in whole seconds, rounded down.
        Assert.Equal("public, max-age=41", response.Headers.CacheControl!.ToString());
        var feed = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal($"https://alerts.example.nhs.uk{path}?site=horton", feed.Element(Atom + "id")!.Value);
        Assert.Single(feed.Elements(Atom + "entry"));
    }

    [Theory]
    [InlineData(FeedsApi.AtomPath)]
    [InlineData(FeedsApi.CapPath)]
    public async Task Unknown_site_is_a_validation_problem(string path)
    {
        using var response = await _client.GetAsync(path + "?site=narnia");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("narnia", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(FeedsApi.AtomPath)]
    [InlineData(FeedsApi.CapPath)]
    public async Task Feed_comes_from_the_output_cache_until_the_projection_changes(string path)
    {
        var first = Live(Content(headline: "Visiting suspended at the Horton"));
        _projection.Apply(first);
        Assert.Contains("Visiting suspended at the Horton", await _client.GetStringAsync(path));

        using var cached = await _client.GetAsync(path);
        Assert.NotNull(cached.Headers.Age);

        _projection.Apply(first with { Revision = 2, Content = first.Content! with { Headline = "Visiting restored at the Horton" } });
        var changed = await _client.GetStringAsync(path);
        Assert.Contains("Visiting restored at the Horton", changed);
        Assert.DoesNotContain("Visiting suspended at the Horton", changed);
    }
}
