using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Channels;

/// <summary>
/// A standalone Channels replica (<c>dotnet run --project Channels</c>). By default the public
/// surface (banner API, feeds, subscription pages) and the delivery workers; with
/// <c>Channels:Role=Banner</c> the banner and feeds alone (<see cref="ChannelsRole"/>). Run as many
/// as the websites need, on PostgreSQL.
/// </summary>
public static class ChannelsProgram
{
    public static int Main(string[] args) => ProcessEntry.Run("Channels", typeof(ChannelsProgram).Assembly, () =>
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        var app = ChannelsRoles.From(builder.Configuration) == ChannelsRole.Banner ? BuildBannerReplica(builder) : BuildFullReplica(builder);
        app.Run();
    });

    private static WebApplication BuildFullReplica(WebApplicationBuilder builder)
    {
        builder.AddChannels();
        builder.AddReplicaKeyRing();
        builder.Services.AddAlertBus(builder.Configuration, bus => bus.AddChannelsConsumers());

        var app = builder.Build();
        UseFront(app);
        // Said here, after routing, because WebApplication would otherwise put both at the very front
        // of the pipeline (the framework registers their services): ahead of the banner's answer, on
        // every poll (about 2 µs a request, bench/banner.sh), and before any endpoint is chosen.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOutputCache();
        app.UseAntiforgery();
        app.UseRateLimiter();
        app.MapOperationsEndpoints();
        app.MapChannels();
        app.MapRazorPages();
        return app;
    }

    /// <summary>
    /// Run with the runtime's socket completions inline (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>,
    /// as the compose file does) the socket threads read and write themselves, with no thread-pool hop,
    /// while Kestrel still hands each request to the pool: Kestrel's inline scheduling as well gave a
    /// few percent more requests a second but a p99 no better than nginx's, as one preempted socket
    /// thread held up every connection it owned (docs/benchmark-notes.md, session 19).
    /// </summary>
    private static WebApplication BuildBannerReplica(WebApplicationBuilder builder)
    {
        builder.AddChannelsBanner();
        builder.Services.AddAlertBus(builder.Configuration, bus => bus.AddBannerConsumer());

        var app = builder.Build();
        UseFront(app);
        app.UseOutputCache();
        app.MapOperationsEndpoints();
        app.MapBanner();
        return app;
    }

    /// <summary>The front of every replica's pipeline: the banner's answer first, then what the routed endpoints need.</summary>
    private static void UseFront(WebApplication app)
    {
        app.UseCurrentBanner();
        // After the banner, which needs no client address: its hot path stays as it is.
        app.UseReverseProxies();
        app.UseSecurityHeaders();
        app.UseRouting();
        app.UseCors();
    }
}
