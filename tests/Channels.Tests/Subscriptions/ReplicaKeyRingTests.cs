using AlertBroadcaster.TestSupport;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AlertBroadcaster.Channels.Tests.Subscriptions;

/// <summary>The key ring that seals the public forms' anti-forgery tokens, shared by the replicas (Channels/Storage/FirstKeySeeder).</summary>
public sealed class ReplicaKeyRingTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void The_first_key_is_made_after_the_migrations_and_before_data_protection_loads_the_ring()
    {
        var hosted = Compose().Services.Where(d => d.ServiceType == typeof(IHostedService)).Select(d => d.ImplementationType?.Name).ToList();

        var migrations = hosted.FindIndex(name => name?.StartsWith("DatabaseMigrator", StringComparison.Ordinal) == true);
        var seeder = hosted.IndexOf("FirstKeySeeder");
        var loader = hosted.IndexOf("DataProtectionHostedService");
        Assert.True(migrations >= 0 && seeder > migrations && loader > seeder, string.Join(", ", hosted));
    }

    [Fact]
    public async Task A_replica_started_on_an_empty_key_ring_leaves_one_key_in_the_database_for_the_others()
    {
        using (var first = Compose().Build())
        {
            await first.StartAsync();
            await first.StopAsync();
        }

        using var second = Compose().Build();
        await second.StartAsync();
        var keys = second.Services.GetRequiredService<IKeyManager>().GetAllKeys();
        await second.StopAsync();

        Assert.Single(keys);
    }

    private HostApplicationBuilder Compose()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration["Storage:DataDirectory"] = _data.Path;
        builder.AddChannels();
        builder.AddReplicaKeyRing();
        return builder;
    }
}
