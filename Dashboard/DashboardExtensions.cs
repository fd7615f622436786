using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Approval;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.Dashboard.Identity;
using AlertBroadcaster.Dashboard.Subscribers;
using AlertBroadcaster.ServiceDefaults;
using Hangfire;
using MassTransit;
using Microsoft.AspNetCore.DataProtection;

namespace AlertBroadcaster.Dashboard;

public static class DashboardExtensions
{
    /// <summary>The staff app: Identity, Razor Pages, the JSON API, Problem Details.</summary>
    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSiteCatalog(builder.Configuration);
        services.AddOutputCache();
        // The API and the pages validate before sending, for an immediate answer.
        services.AddSmsText(builder.Configuration);
        services.TryAddSingleton<AlertValidator>();

        services.AddComponentDatabase<DashboardDbContext, PostgresDashboardDbContext>(builder.Configuration, PostgresDashboardDbContext.Schema);
        services.AddHostedService<AdminSeeder>();
        services.AddStaffAuthentication(builder.Configuration);
        // Sign-in cookies survive a restart: the keys live with the rest of the data.
        services.AddDataProtection()
            .SetApplicationName("AlertBroadcaster")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(builder.Configuration.DataDirectory(), "keys")));

        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/", StaffAuthentication.StaffPolicy);
            o.Conventions.AuthorizeFolder("/Admin", StaffAuthentication.AdminPolicy);
            o.Conventions.AuthorizeFolder("/Audit", StaffAuthentication.AuditPolicy);
            o.Conventions.AllowAnonymousToPage("/Account/SignIn");
            o.Conventions.AllowAnonymousToPage("/Account/AccessDenied");
        });
        services.AddProblemDetails();
        services.AddApiDocumentation();
        // More policies come from the components (Channels: the subscribe forms).
        services.AddRateLimiter(o => o.AddPolicy<string, SignInRateLimit>(SignInRateLimit.Policy));
        services.AddCors();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);
        services.AddSingleton<DeliveryProgressSignal>();
        services.AddScoped<AlertsClient>();
        services.AddScoped<QueuedAlerts>();
        services.AddScoped<AlertSubmission>();
        services.AddScoped<AlertAuthoring>();
        services.AddScoped<AuditLog>();
        services.AddScoped<Approvals>();
        services.AddScoped<StaffUsers>();
        services.AddScoped<SubscriberImporter>();
        services.AddScoped<AlertTemplates>();
        services.AddMemoryCache();
        services.AddScoped<AlertPreviews>();
        services.AddOptions<ApprovalOptions>().Bind(builder.Configuration.GetSection(ApprovalOptions.Section));
        services.AddSingleton<WakeUpSignal<QueuedAlertsDispatcher>>();
        services.AddHostedService<QueuedAlertsDispatcher>();
        return builder;
    }

    /// <summary>The Dashboard's request clients and its one consumer (delivery progress), for the process's one bus.</summary>
    public static IBusRegistrationConfigurator AddDashboardClients(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DeliveryProgressConsumer, DeliveryProgressConsumerDefinition>();
        bus.AddRequestClient<ImportSubscribers>(AlertsClient.Timeout);
        bus.AddRequestClient<GetSubscriberStats>(AlertsClient.Timeout);
        bus.AddRequestClient<FindSubscribers>(AlertsClient.Timeout);
        bus.AddRequestClient<CountRecipients>(AlertsClient.Timeout);
        bus.AddRequestClient<SendTestAlert>(AlertsClient.Timeout);
        bus.AddRequestClient<EraseSubscriber>(AlertsClient.Timeout);
        bus.AddRequestClient<RetryFailedDeliveries>(AlertsClient.Timeout);
        bus.AddRequestClient<GetLoggedTexts>(AlertsClient.Timeout);
        bus.AddRequestClient<PublishAlert>(AlertsClient.Timeout);
        bus.AddRequestClient<UpdateAlert>(AlertsClient.Timeout);
        bus.AddRequestClient<WithdrawAlert>(AlertsClient.Timeout);
        bus.AddRequestClient<GetAlert>(AlertsClient.Timeout);
        bus.AddRequestClient<ListAlerts>(AlertsClient.Timeout);
        return bus;
    }

    public static WebApplication UseDashboard(this WebApplication app)
    {
        app.UseReverseProxies();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A body over the size limit or a broken request is the client's fault, not a 500; so is a
            // form the framework cannot decode (InvalidDataException: a %00, too many values).
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                InvalidDataException => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseApiDocumentationPage();
        app.UseRouting();
        app.UseCors();
        // The banner's HTML fragment and feeds, when Channels is hosted here.
        app.UseOutputCache();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseRateLimiter();
        return app;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAlertsApi();
        endpoints.MapSubscribersApi();
        endpoints.MapApiDocumentation();
        endpoints.MapRazorPages();
        // Delivery jobs (Hangfire), for administrators: retries, failures, servers.
        endpoints.MapHangfireDashboard("/hangfire", new DashboardOptions
            {
                Authorization = [],
                DashboardTitle = "Alert Broadcaster · delivery jobs",
                AppPath = "/",
                DisplayStorageConnectionString = false,
            })
            .RequireAuthorization(StaffAuthentication.AdminPolicy);
        return endpoints;
    }
}
