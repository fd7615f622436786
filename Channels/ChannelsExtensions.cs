using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Channels.Jobs;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AlertBroadcaster.Channels;

public static class ChannelsExtensions
{
    /// <summary>
    /// The delivery side: its database, its job server (Hangfire) and the banner projection. Call before <c>AddAlertBus</c>
    /// so the projection is loaded before the bus delivers events.
    /// </summary>
    public static IHostApplicationBuilder AddChannels(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSiteCatalog(builder.Configuration);

        services.AddComponentDatabase<ChannelsDbContext, PostgresChannelsDbContext>(builder.Configuration, PostgresChannelsDbContext.Schema);
        services.AddDeliveryJobServer(builder.Configuration);

        services.AddOptions<BannerOptions>()
            .Bind(builder.Configuration.GetSection(BannerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<BannerProjection>();
        services.AddHostedService<BannerProjectionLoader>();
        services.AddCors(o => o.AddPolicy(BannerApi.CorsPolicy, p => p
            .AllowAnyOrigin()
            .WithMethods("GET")
            .WithHeaders("If-None-Match")
            .WithExposedHeaders("ETag")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return builder;
    }

    /// <summary>The Channels consumers, for the process's one bus.</summary>
    public static IBusRegistrationConfigurator AddChannelsConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<BannerEventsConsumer, BannerEventsConsumerDefinition>();
        return bus;
    }

    /// <summary>The public HTTP surface of Channels.</summary>
    public static IEndpointRouteBuilder MapChannels(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapBannerApi();
}
