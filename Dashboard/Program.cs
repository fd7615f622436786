using AlertBroadcaster.Broadcaster;
using AlertBroadcaster.Channels;
using AlertBroadcaster.Dashboard;
using AlertBroadcaster.ServiceDefaults;

// The embedded all-in-one host: Dashboard + Broadcaster + Channels in one process.
var builder = WebApplication.CreateBuilder(args);

builder.AddDashboard();
builder.AddBroadcaster();
builder.AddChannels();
builder.Services.AddAlertBus(builder.Configuration, bus =>
{
    bus.AddDashboardClients();
    bus.AddBroadcasterConsumers();
    bus.AddChannelsConsumers();
});

var app = builder.Build();

app.UseDashboard();
app.MapHealthEndpoints();
app.MapChannels();
app.MapDashboard();

app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
