using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>
/// Fills the in-memory banner from the store: once before the bus delivers events, once more when
/// the bus is up (events published between the first read and the queue binding were stored by
/// another replica), then every 30 s as a safety net. Merging keeps the newest revision, so a
/// read can never take the view backwards.
/// </summary>
public sealed class BannerProjectionLoader(
    IServiceScopeFactory scopes, BannerProjection projection, IHostApplicationLifetime lifetime, ILogger<BannerProjectionLoader> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifetime.WaitForStartAsync(stoppingToken);

        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await LoadAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not refresh the banner from the store; trying again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        await foreach (var row in db.BannerAlerts.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            projection.Apply(row.ToState());
        }
    }
}
