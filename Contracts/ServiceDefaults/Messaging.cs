using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.ServiceDefaults;

public static class MessagingExtensions
{
    /// <summary>
    /// The one bus of a process. Each component adds its consumers through
    /// <paramref name="addConsumers"/>, so the embedded host and the standalone hosts compose the
    /// same registrations. Without <c>ConnectionStrings:RabbitMq</c> the bus is in memory.
    /// </summary>
    public static IServiceCollection AddAlertBus(
        this IServiceCollection services, IConfiguration configuration, Action<IBusRegistrationConfigurator> addConsumers)
    {
        var rabbitMq = configuration.GetConnectionString("RabbitMq");
        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            addConsumers(x);
            if (string.IsNullOrWhiteSpace(rabbitMq))
            {
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
                return;
            }

            // Shared work queues are quorum queues (replicated, durable); a per-instance queue
            // (InstanceEndpoint) stays classic, with an expiry.
            x.AddConfigureEndpointsCallback((_, name, cfg) =>
            {
                if (cfg is IRabbitMqReceiveEndpointConfigurator rabbit && !name.EndsWith(InstanceEndpoint.Suffix, StringComparison.Ordinal))
                {
                    rabbit.SetQuorumQueue();
                }
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(rabbitMq), host => host.PublisherConfirmation = true);
                cfg.ConfigureEndpoints(context);
            });
        });

        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }
}

/// <summary>
/// A queue of this process's own, for events every instance must see (each Channels replica
/// keeps its own banner view). Durable, so a broker restart loses neither the queue, its
/// bindings nor the events in it (an auto-delete queue would vanish with the broker, and events
/// published before the reconnect re-declared it would go nowhere); it expires once its process
/// has been gone a while. A restarted instance gets a new queue and rebuilds its view from the
/// shared store first, so nothing it missed while down is lost.
/// </summary>
public static class InstanceEndpoint
{
    public const string Suffix = "-instance";
    public static readonly TimeSpan ExpiresWhenUnused = TimeSpan.FromMinutes(15);

    public static void Name(IEndpointRegistrationConfigurator endpoint, string baseName) =>
        endpoint.Name = $"{baseName}-{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}{Suffix}";

    public static void Configure(IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.Durable = true;
            rabbit.AutoDelete = false;
            rabbit.QueueExpiration = ExpiresWhenUnused;
        }
    }
}
