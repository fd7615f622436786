using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        if (!string.IsNullOrWhiteSpace(configuration.GetConnectionString("RabbitMq")))
        {
            throw new OptionsValidationException("ConnectionStrings:RabbitMq", typeof(MassTransitHostOptions),
                ["ConnectionStrings:RabbitMq is set, but the RabbitMQ transport is not available in this build; remove it to run on the in-memory bus."]);
        }

        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            addConsumers(x);
            x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });

        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }
}
