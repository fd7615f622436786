using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Broadcaster;

/// <summary>
/// The standalone Broadcaster (<c>dotnet run --project Broadcaster</c>): the alert lifecycle and
/// its scheduler; HTTP only for health and metrics. Several may run on PostgreSQL (clustered Quartz).
/// </summary>
public static class BroadcasterProgram
{
    public static int Main(string[] args) => ProcessEntry.Run("Broadcaster", typeof(BroadcasterProgram).Assembly, () =>
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.AddBroadcaster();
        builder.Services.AddAlertBus(builder.Configuration, bus => bus.AddBroadcasterConsumers());

        var app = builder.Build();
        app.MapOperationsEndpoints();
        app.Run();
    });
}
