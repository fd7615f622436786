using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AlertBroadcaster.Dashboard.Tests.Browser;

/// <summary>
/// Another website on its own loopback port (so another origin): it serves the pages the tests give
/// it, each embedding banner.js from the app as a trust's or partner's site would.
/// </summary>
public sealed class HospitalWebsite : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _pages = new();
    private WebApplication? _app;

    /// <summary>Such as http://127.0.0.1:41235.</summary>
    public string BaseUrl { get; private set; } = "";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/{**path}", (HttpContext http) =>
            _pages.TryGetValue(http.Request.Path.Value + http.Request.QueryString.Value, out var html)
                ? Results.Content(html, "text/html; charset=utf-8")
                : Results.NotFound());
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
    }

    /// <summary>Publishes <paramref name="html"/> as the page <paramref name="path"/> (with a unique query); returns its address.</summary>
    public string Publish(string path, string html)
    {
        var unique = $"{path}?version={Guid.NewGuid():N}";
        _pages[unique] = html;
        return BaseUrl + unique;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
