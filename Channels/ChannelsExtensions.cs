using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Channels.Jobs;
using AlertBroadcaster.Channels.Subscriptions;
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
        services.AddEmail(builder.Configuration);
        services.AddSubscriptions(builder.Configuration);
        // The public subscription pages (Pages/Subscriptions); the embedded Dashboard maps them with its own.
        services.AddRazorPages();
        services.AddSubscribeRateLimit();

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
        bus.AddConsumer<EmailAlertsConsumer, EmailAlertsConsumerDefinition>();
        bus.AddConsumer<StaffRequestsConsumer>();
        return bus;
    }

    /// <summary>The public HTTP surface of Channels (its pages are mapped with the host's Razor Pages).</summary>
    public static IEndpointRouteBuilder MapChannels(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapBannerApi();

    /// <summary>For a host that references Channels but must not serve its public pages (the staff-only Dashboard).</summary>
    public static IMvcBuilder WithoutChannelsPages(this IMvcBuilder mvc) =>
        mvc.ConfigureApplicationPartManager(parts =>
        {
            foreach (var part in parts.ApplicationParts.Where(p => p.Name == typeof(ChannelsExtensions).Assembly.GetName().Name).ToList())
            {
                parts.ApplicationParts.Remove(part);
            }
        });

    private static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailOptions>()
            .Bind(configuration.GetSection(EmailOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var email = configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() ?? new EmailOptions();
        if (string.IsNullOrWhiteSpace(email.Smtp.Host))
        {
            // No SMTP server configured (the embedded default): .eml files to read or forward.
            var pickup = email.PickupDirectory ?? Path.Combine(configuration.DataDirectory(), "mail-pickup");
            services.AddSingleton<IEmailTransport>(new PickupEmailTransport(pickup));
        }
        else
        {
            services.AddSingleton<IEmailTransport, SmtpEmailTransport>();
        }

        services.AddSingleton<AlertEmailCache>();
        services.AddScoped<DeliveryLedger>();
        services.AddScoped<EmailAlerts>();
        services.AddScoped<FanOutEmailJob>();
        services.AddScoped<SendEmailBatchJob>();
        return services;
    }

    private static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SubscriptionOptions>()
            .Bind(configuration.GetSection(SubscriptionOptions.Section))
            .Validate(o => o.TokenKey is null || o.TokenKey.Length >= 32, "Subscriptions:TokenKey must be at least 32 characters.")
            .ValidateOnStart();
        services.AddSingleton<SubscriberTokens>();
        services.AddScoped<Subscriptions.Subscriptions>();
        services.AddScoped<SubscriberImport>();
        services.AddScoped<ConfirmationEmailJob>();
        return services;
    }
}
