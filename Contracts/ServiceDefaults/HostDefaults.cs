using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlertBroadcaster.ServiceDefaults;

public static class HostDefaults
{
    /// <summary>
    /// What every host starts with: the clock, health checks, metrics, its reverse proxies, and quiet
    /// framework logs (the component hosts ship no appsettings.json of their own, so the Dashboard's
    /// is never shadowed).
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks();
        builder.AddAlertMetrics();
        builder.Services.AddStrictTransportSecurity();
        builder.AddReverseProxies();
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // ASP.NET Core starts an Activity and a log scope for every request whenever this category is
        // enabled at any level, although it writes only Information (request started and finished)
        // and nothing here reads either: no tracing exporter, and the console shows no scopes. Off,
        // that is about 2 µs less a request on the banner's hot path (bench/banner.sh). A tracing
        // listener, if one is ever added, still gets its Activity.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        builder.Logging.AddFilter("Quartz", LogLevel.Warning);
        return builder;
    }
}

public static class HostLifetimeExtensions
{
    /// <summary>
    /// Completes once every hosted service has started (the bus among them): background loops
    /// that publish or depend on bound queues wait for this.
    /// </summary>
    public static async Task WaitForStartAsync(this IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        {
            await started.Task.WaitAsync(cancellationToken);
        }
    }
}
