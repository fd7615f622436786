using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Channels;

/// <summary>
/// A standalone Channels replica (<c>dotnet run --project Channels</c>): the public surface
/// (banner API) and the delivery workers. Run as many as the websites need, on PostgreSQL.
/// </summary>
public static class ChannelsProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.AddChannels();
        builder.AddReplicaKeyRing();
        builder.Services.AddAlertBus(builder.Configuration, bus => bus.AddChannelsConsumers());

        var app = builder.Build();
        app.UseCurrentBanner();
        // After the banner, which needs no client address: its hot path stays as it is.
        app.UseReverseProxies();
        app.UseSecurityHeaders();
        app.UseRouting();
        app.UseCors();
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
        app.Run();
    }
}
