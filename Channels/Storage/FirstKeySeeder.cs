using System.Data.Common;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Channels.Storage;

/// <summary>
/// Makes the shared key ring's first key, one replica at a time, before data protection loads the
/// ring. Replicas starting together on an empty table would otherwise each make a key of their own,
/// and a replica reads the others' only when it meets an unknown key in its first two minutes (or at
/// its daily refresh): a form posted across replicas would be refused for up to a day.
/// </summary>
internal sealed class FirstKeySeeder(IServiceProvider services, IKeyManager keys, TimeProvider time, ILogger<FirstKeySeeder> logger) : IHostedService
{
    /// <summary>Any fixed number, the same in every Channels process (the migrations, Hangfire's schema and the SMS limiter use others).</summary>
    private const long LockKey = 7_243_318_808;

    /// <summary>Data protection's own default lifetime for a key.</summary>
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(90);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        try
        {
            if (db.Database.IsNpgsql())
            {
                await db.Database.WithAdvisoryLockAsync(LockKey, () => Task.Run(SeedIfEmpty, cancellationToken), cancellationToken);
            }
            else
            {
                SeedIfEmpty();
            }
        }
        catch (DbException ex)
        {
            // Data protection makes a key itself when it first needs one; only the race comes back.
            logger.LogWarning(ex, "Could not check the shared data-protection key ring at start");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void SeedIfEmpty()
    {
        var now = time.GetUtcNow();
        if (!keys.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now))
        {
            keys.CreateNewKey(now, now + KeyLifetime);
        }
    }
}
