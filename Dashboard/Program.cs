using AlertBroadcaster.Broadcaster;
using AlertBroadcaster.Channels;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Channels.Banner.Script;
using AlertBroadcaster.Channels.Jobs;
using AlertBroadcaster.Dashboard;
using AlertBroadcaster.ServiceDefaults;

// The Dashboard. Embedded (the default, Hosting:Embedded=true) it is the all-in-one host:
// Dashboard + Broadcaster + Channels in one process. Otherwise only the staff app, talking to
// standalone Broadcaster and Channels processes over the bus.
return ProcessEntry.Run("Dashboard", typeof(Program).Assembly, () =>
{
    var builder = WebApplication.CreateBuilder(args);
    var embedded = builder.Configuration.GetValue("Hosting:Embedded", true);

    builder.AddServiceDefaults();
    builder.AddDashboard();
    if (embedded)
    {
        builder.AddBroadcaster();
        builder.AddChannels();
    }
    else
    {
        // Only to show the Channels replicas' delivery jobs at /hangfire; it runs none itself.
        builder.Services.AddDeliveryJobStorage(builder.Configuration);
        // The public subscription pages are served by the Channels replicas, not the staff app.
        builder.Services.AddRazorPages().WithoutChannelsPages();
    }

    builder.Services.AddAlertBus(builder.Configuration, bus =>
    {
        bus.AddDashboardClients();
        if (embedded)
        {
            bus.AddBroadcasterConsumers();
            bus.AddChannelsConsumers();
        }
    });

    var app = builder.Build();

    if (embedded)
    {
        app.UseCurrentBanner();
    }

    app.UseDashboard();
    app.MapOperationsEndpoints();
    if (embedded)
    {
        app.MapChannels();
    }
    else
    {
        // The preview draws the banner with the script the websites embed.
        app.MapBannerScript();
    }

    app.MapDashboard();

    app.Run();
});

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
