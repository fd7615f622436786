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
        builder.AddChannels();
        builder.Services.AddAlertBus(builder.Configuration, bus => bus.AddChannelsConsumers());

        var app = builder.Build();
        app.UseCurrentBanner();
        app.UseSecurityHeaders();
        app.UseRouting();
        app.UseCors();
        app.UseOutputCache();
        app.UseAntiforgery();
        app.UseRateLimiter();
        app.MapHealthEndpoints();
        app.MapChannels();
        app.MapRazorPages();
        app.Run();
    }
}
