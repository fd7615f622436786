using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Broadcaster;

/// <summary>
/// The standalone Broadcaster (<c>dotnet run --project Broadcaster</c>): the alert lifecycle and
/// its scheduler; HTTP only for health and metrics. Several may run on PostgreSQL (clustered Quartz).
/// </summary>
public static class BroadcasterProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.AddBroadcaster();
        builder.Services.AddAlertBus(builder.Configuration, bus => bus.AddBroadcasterConsumers());

        var app = builder.Build();
        app.MapOperationsEndpoints();
        app.Run();
    }
}
