using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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

        // Queue lag for every consumer of the process (alerts.queue.lag).
        services.AddConsumeObserver<QueueLagObserver>();
        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        // In its own place among the hosted services, so the order they stop in is kept.
        var hosted = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(MassTransitHostedService));
        services[services.IndexOf(hosted)] = ServiceDescriptor.Singleton<IHostedService>(
            sp => new BusStoppedOnce(ActivatorUtilities.CreateInstance<MassTransitHostedService>(sp)));
        return services;
    }

    /// <summary>
    /// MassTransit's hosted service, whose bus is stopped once however many callers stop it at the
    /// same moment. A host can be stopped twice at once (a test host's dispose and the app's own
    /// <c>app.Run()</c>, dotnet/aspnetcore#40271); MassTransit 8.5's guard is a plain flag, and two
    /// stops of the same receive endpoint racing end in a NullReferenceException.
    /// </summary>
    private sealed class BusStoppedOnce(MassTransitHostedService bus) : IHostedService, IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private Task? _stopping;

        public Task StartAsync(CancellationToken cancellationToken) => bus.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                return _stopping ??= bus.StopAsync(cancellationToken);
            }
        }

        public ValueTask DisposeAsync() => bus.DisposeAsync();
    }
}

/// <summary>
/// Which instance of a component this process is: <c>Hosting:InstanceName</c>, or the machine
/// name and process id. Give each replica a stable name (<c>channels-1</c>, <c>channels-2</c>) so
/// its own queue outlives a restart; in a container the default is already stable (pid 1).
/// </summary>
public sealed record HostInstance(string Name)
{
    public static HostInstance From(IConfiguration configuration)
    {
        var configured = configuration["Hosting:InstanceName"];
        var name = string.IsNullOrWhiteSpace(configured) ? $"{Environment.MachineName}-{Environment.ProcessId}" : configured;
        // Queue names: lower case letters, digits and dashes.
        return new(new string(name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()));
    }
}

/// <summary>
/// A queue of this process's own, for events every instance must see (each Channels replica
/// keeps its own banner view), named after the <see cref="HostInstance"/>. Durable, so a broker
/// restart loses neither the queue, its bindings nor the events in it (an auto-delete queue would
/// vanish with the broker, and events published before the reconnect re-declared it would go
/// nowhere); it expires once its instance has been gone a while. An instance restarted under the
/// same name finds the events it missed waiting; under a new name it rebuilds its view from the
/// shared store, which covers everything some other instance stored meanwhile.
/// </summary>
public static class InstanceEndpoint
{
    public const string Suffix = "-instance";
    public static readonly TimeSpan ExpiresWhenUnused = TimeSpan.FromMinutes(15);

    public static void Name(IEndpointRegistrationConfigurator endpoint, string baseName, HostInstance instance) =>
        endpoint.Name = $"{baseName}-{instance.Name}{Suffix}";

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
