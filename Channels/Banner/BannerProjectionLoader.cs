using AlertBroadcaster.Channels.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>Rebuilds the in-memory banner from the store on start, before the bus delivers events.</summary>
public sealed class BannerProjectionLoader(IServiceScopeFactory scopes, BannerProjection projection) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        await foreach (var row in db.BannerAlerts.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            projection.Apply(row.ToState());
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
