using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Broadcaster.Outbox;
using AlertBroadcaster.Broadcaster.Scheduling;
using AlertBroadcaster.Broadcaster.Storage;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace AlertBroadcaster.Broadcaster;

public static class BroadcasterExtensions
{
    /// <summary>
    /// The alert lifecycle: its database, the Quartz scheduler with a persistent job store, the
    /// outbox dispatcher. Call before <c>AddAlertBus</c> so the database is migrated before the
    /// bus delivers anything.
    /// </summary>
    public static IHostApplicationBuilder AddBroadcaster(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSiteCatalog(builder.Configuration);

        services.AddComponentDatabase<AlertsDbContext, PostgresAlertsDbContext>(builder.Configuration, PostgresAlertsDbContext.Schema);

        services.AddScoped<AlertLifecycle>();
        services.AddSmsText(builder.Configuration);
        services.TryAddSingleton<AlertValidator>();
        services.AddSingleton<AlertScheduler>();
        services.AddSingleton<WakeUpSignal<OutboxDispatcher>>();
        services.AddMetrics();
        services.AddSingleton<PublishedEventMetrics>();

        var postgres = builder.Configuration.PostgresConnectionString();
        var sqlite = builder.Configuration.SqliteConnectionString("scheduler");
        services.AddQuartz(q =>
        {
            q.UsePersistentStore(store =>
            {
                if (postgres is null)
                {
                    store.UseSqlite(sqlite);
                }
                else
                {
                    // Several Broadcasters share the triggers; the cluster fires each one once,
                    // and takes over the triggers of a node that died.
                    store.UsePostgres(postgres);
                    store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(2));
                }

                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
            q.AddJob<GoLiveJob>(j => j.WithIdentity(GoLiveJob.Key).StoreDurably());
            q.AddJob<ExpireJob>(j => j.WithIdentity(ExpireJob.Key).StoreDurably());
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<ScheduleReconciler>();
        services.AddHostedService<OutboxDispatcher>();
        return builder;
    }

    /// <summary>The Broadcaster's consumers, for the process's one bus.</summary>
    public static IBusRegistrationConfigurator AddBroadcasterConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<PublishAlertConsumer, PublishAlertConsumerDefinition>();
        bus.AddConsumer<UpdateAlertConsumer, UpdateAlertConsumerDefinition>();
        bus.AddConsumer<WithdrawAlertConsumer, WithdrawAlertConsumerDefinition>();
        bus.AddConsumer<AlertQueriesConsumer>();
        return bus;
    }
}
