using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Channels.Banner.Script;
using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Channels.Feeds;
using AlertBroadcaster.Channels.Jobs;
using AlertBroadcaster.Channels.Pages;
using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Channels.Subscriptions;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels;

public static class ChannelsExtensions
{
    /// <summary>
    /// The whole of Channels: the banner (<see cref="AddChannelsBanner"/>), the delivery side (its job
    /// server, email, SMS) and the subscription pages. Call before <c>AddAlertBus</c>.
    /// </summary>
    public static IHostApplicationBuilder AddChannels(this IHostApplicationBuilder builder)
    {
        builder.AddChannelsBanner();
        var services = builder.Services;
        services.AddDeliveryJobServer(builder.Configuration);
        services.AddMetrics();
        services.AddSingleton<DeliveryMetrics>();
        services.AddScoped<DeliveryLedger>();
        services.AddScoped<AlertSends>();
        services.AddScoped<FanOutJob>();
        services.AddEmail(builder.Configuration);
        services.AddSms(builder.Configuration);
        services.AddSubscriptions(builder.Configuration);
        // The public subscription pages (Pages/Subscriptions); the embedded Dashboard maps them with its own.
        services.AddRazorPages();
        services.AddSubscribeRateLimit(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The banner alone (a <see cref="ChannelsRole.Banner"/> replica; part of every Channels): its
    /// database, the projection and its precomputed answers, output caching, CORS and the feeds'
    /// settings. Call before <c>AddAlertBus</c> so the projection is loaded before the bus delivers events.
    /// </summary>
    public static IHostApplicationBuilder AddChannelsBanner(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSiteCatalog(builder.Configuration);
        services.AddComponentDatabase<ChannelsDbContext, PostgresChannelsDbContext>(builder.Configuration, PostgresChannelsDbContext.Schema);

        services.AddOptions<BannerOptions>()
            .Bind(builder.Configuration.GetSection(BannerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The feeds take their sender and address from the email settings when not given their own.
        services.AddOptions<EmailOptions>()
            .Bind(builder.Configuration.GetSection(EmailOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<FeedOptions>()
            .Bind(builder.Configuration.GetSection(FeedOptions.Section))
            .PostConfigure<IOptions<EmailOptions>>((feeds, email) =>
            {
                feeds.CapSender ??= email.Value.From;
                feeds.PublicBaseUrl ??= email.Value.PublicBaseUrl;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<BannerProjection>();
        services.AddSingleton<BannerResponses>();
        services.AddSingleton<CurrentBannerEndpoint>();
        services.AddOutputCache(o => o.AddPolicy(BannerOutputCache.PolicyName, new BannerOutputCache()));
        services.AddHostedService<BannerCacheEviction>();
        services.AddHostedService<BannerProjectionLoader>();
        services.AddCors(o => o.AddPolicy(BannerApi.CorsPolicy, p => p
            .AllowAnyOrigin()
            .WithMethods("GET")
            .WithHeaders("If-None-Match")
            .WithExposedHeaders("ETag")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return builder;
    }

    /// <summary>
    /// A standalone replica's data-protection keys, kept in the Channels database so that every
    /// replica holds the same ones: a form's anti-forgery token sealed by one replica must open on
    /// whichever replica the load balancer sends the post to, and a restart must not void the forms
    /// people have open. (The embedded host keeps the Dashboard's key ring, under the data directory.)
    /// </summary>
    public static IHostApplicationBuilder AddReplicaKeyRing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDataProtection()
            .SetApplicationName("AlertBroadcaster.Channels")
            .PersistKeysToDbContext<ChannelsDbContext>();
        // Before data protection's own start-up service, which loads the ring (making a key if none).
        var seeder = ServiceDescriptor.Singleton<IHostedService, FirstKeySeeder>();
        var loader = builder.Services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "DataProtectionHostedService");
        builder.Services.Insert(loader is null ? builder.Services.Count : builder.Services.IndexOf(loader), seeder);
        return builder;
    }

    /// <summary>The Channels consumers, for the process's one bus.</summary>
    public static IBusRegistrationConfigurator AddChannelsConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddBannerConsumer();
        bus.AddConsumer<EmailAlertsConsumer, EmailAlertsConsumerDefinition>();
        bus.AddConsumer<SmsAlertsConsumer, SmsAlertsConsumerDefinition>();
        bus.AddConsumer<StaffRequestsConsumer>();
        return bus;
    }

    /// <summary>The banner's consumer alone, for a <see cref="ChannelsRole.Banner"/> replica's bus.</summary>
    public static IBusRegistrationConfigurator AddBannerConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<BannerEventsConsumer, BannerEventsConsumerDefinition>();
        return bus;
    }

    /// <summary>The public HTTP surface of Channels (its pages are mapped with the host's Razor Pages).</summary>
    public static IEndpointRouteBuilder MapChannels(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapBanner().MapSmsWebhooks().MapPublicStylesheet();

    /// <summary>What a <see cref="ChannelsRole.Banner"/> replica serves: the banner JSON and fragment, banner.js, the feeds.</summary>
    public static IEndpointRouteBuilder MapBanner(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapBannerApi().MapBannerScript().MapAlertFeeds();

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
        // Its options are bound with the banner's (AddChannelsBanner), whose feeds read them too.
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
        services.AddScoped<SendEmailBatchJob>();
        return services;
    }

    private static IServiceCollection AddSms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSmsText(configuration);
        services.AddOptions<SmsOptions>()
            .Bind(configuration.GetSection(SmsOptions.Section))
            .PostConfigure<IOptions<EmailOptions>>((sms, email) => sms.PublicBaseUrl ??= email.Value.PublicBaseUrl)
            .ValidateDataAnnotations()
            .Validate(o => o.Fallback != o.Provider, "Sms:Fallback must name a different provider from Sms:Provider.")
            .Validate(o => !Uses(o, SmsProviderName.Twilio) || (!string.IsNullOrEmpty(o.Twilio.AccountSid) && !string.IsNullOrEmpty(o.Twilio.AuthToken)
                && (!string.IsNullOrEmpty(o.Twilio.From) || !string.IsNullOrEmpty(o.Twilio.MessagingServiceSid))),
                "Twilio needs Sms:Twilio:AccountSid, Sms:Twilio:AuthToken and Sms:Twilio:From (or Sms:Twilio:MessagingServiceSid).")
            .Validate(o => !Uses(o, SmsProviderName.Notify) || (o.Notify.ApiKey is { Length: >= 74 } && !string.IsNullOrEmpty(o.Notify.TemplateId)),
                "GOV.UK Notify needs Sms:Notify:ApiKey (the whole key as Notify shows it) and Sms:Notify:TemplateId.")
            .ValidateOnStart();
        services.AddSingleton<ISmsProvider, LogSmsProvider>();
        // No HTTP-level retries: every request to a provider takes a slot of the shared rate, just before the wire.
        // The providers live as long as the process (SmsSender holds them), so connections are
        // recycled by the handler itself rather than by the client factory.
        services.AddTransient<SmsRateLimitHandler>();
        services.AddHttpClient<TwilioSmsProvider>(ConfigureProviderClient).AddHttpMessageHandler<SmsRateLimitHandler>()
            .ConfigurePrimaryHttpMessageHandler(ProviderHandler).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddHttpClient<NotifySmsProvider>(ConfigureProviderClient).AddHttpMessageHandler<SmsRateLimitHandler>()
            .ConfigurePrimaryHttpMessageHandler(ProviderHandler).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<ISmsProvider>(sp => sp.GetRequiredService<TwilioSmsProvider>());
        services.AddSingleton<ISmsProvider>(sp => sp.GetRequiredService<NotifySmsProvider>());
        services.AddSingleton<SmsRateLimiter>();
        services.AddSingleton<SmsSender>();
        services.AddSingleton<DeliveryProgressThrottle>();
        services.AddScoped<SmsReceipts>();
        services.AddScoped<SmsSubscriptions>();
        services.AddScoped<SendSmsBatchJob>();
        return services;
    }

    private static void ConfigureProviderClient(HttpClient http) => http.Timeout = SmsRateLimiter.RequestTimeout;

    private static HttpMessageHandler ProviderHandler() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    private static bool Uses(SmsOptions options, SmsProviderName provider) => options.Provider == provider || options.Fallback == provider;

    private static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SubscriptionOptions>()
            .Bind(configuration.GetSection(SubscriptionOptions.Section))
            .Validate(o => o.TokenKey is null || o.TokenKey.Length >= 32, "Subscriptions:TokenKey must be at least 32 characters.")
            .ValidateOnStart();
        services.AddSingleton<SubscriberTokens>();
        services.AddScoped<Subscriptions.Subscriptions>();
        services.AddScoped<SubscriberImport>();
        services.AddSingleton<ImportMemory>();
        services.AddScoped<SubscriberRecords>();
        services.AddScoped<TestSends>();
        services.AddOptions<TestingOptions>().Bind(configuration.GetSection(TestingOptions.Section));
        services.AddScoped<ConfirmationEmailJob>();
        return services;
    }
}
