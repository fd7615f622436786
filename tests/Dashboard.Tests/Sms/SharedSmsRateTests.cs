using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Dashboard.Tests.Sms;

/// <summary>
/// The SMS rate as two Channels replicas share it on PostgreSQL (scripts/servers.sh): two limiters,
/// each with its own services, on one database.
/// </summary>
public sealed class SharedSmsRateTests
{
    private const int Rate = 5;

    [Fact]
    public async Task A_slow_answer_on_one_replica_holds_back_the_other_until_a_second_after_it()
    {
        var connectionString = DashboardApp.PostgresConnectionString($"alerts_test_{Guid.NewGuid():N}");
        await using var replicaA = await ReplicaAsync(connectionString);
        await using var replicaB = await ReplicaAsync(connectionString);
        using var a = Limiter(replicaA);
        using var b = Limiter(replicaB);

        var first = await a.WaitForTurnAsync(CancellationToken.None);
        for (var i = 1; i < Rate; i++)
        {
            await b.WaitForTurnAsync(CancellationToken.None);
        }

        // Pacing alone gives the next turn 5 × 207 ms after the first, under a second after this answer.
        var answering = TimeProvider.System.GetTimestamp();
        await a.AnsweredAsync(first);
        await b.WaitForTurnAsync(CancellationToken.None);

        var after = TimeProvider.System.GetElapsedTime(answering);
        Assert.True(after >= TimeSpan.FromSeconds(1), $"the next turn came {after.TotalMilliseconds:F0} ms after the answer, inside the window");
    }

    private static async Task<ServiceProvider> ReplicaAsync(string connectionString)
    {
        var services = new ServiceCollection()
            .AddDbContext<ChannelsDbContext, PostgresChannelsDbContext>(o => o.UsePostgresStore(connectionString, PostgresChannelsDbContext.Schema))
            .BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        PostgresDatabase.EnsureExists(connectionString);
        await scope.ServiceProvider.GetRequiredService<ChannelsDbContext>().Database.MigrateAsync();
        return services;
    }

    private static SmsRateLimiter Limiter(IServiceProvider replica) =>
        new(replica.GetRequiredService<IServiceScopeFactory>(), Options.Create(new SmsOptions { MessagesPerSecond = Rate }), TimeProvider.System,
            NullLogger<SmsRateLimiter>.Instance);
}
