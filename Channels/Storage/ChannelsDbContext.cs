using System.Text.Json;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AlertBroadcaster.Channels.Storage;

/// <summary>The Channels database: the banner projection (subscribers and deliveries to come).</summary>
public class ChannelsDbContext : DbContext
{
    public ChannelsDbContext(DbContextOptions<ChannelsDbContext> options) : base(options)
    {
    }

    /// <summary>For the provider-specific subclass, whose options carry its own type.</summary>
    protected ChannelsDbContext(DbContextOptions options) : base(options)
    {
    }

    private static readonly JsonSerializerOptions ContentJson = new(JsonSerializerDefaults.Web);

    public DbSet<BannerAlert> BannerAlerts => Set<BannerAlert>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcTicksForInstants(this);

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<BannerAlert>(banner =>
        {
            banner.HasKey(b => b.Id);
            // Replicas share this table: a write based on a stale read fails and is re-read.
            banner.Property(b => b.Revision).IsConcurrencyToken();
            // Replaced whole, never edited in place, so reference comparison is enough.
            banner.Property(b => b.Content).HasConversion(
                c => c == null ? null : JsonSerializer.Serialize(c, ContentJson),
                s => s == null ? null : JsonSerializer.Deserialize<AlertContent>(s, ContentJson));
        });
}

/// <summary>
/// The same model on PostgreSQL, in the schema <c>channels</c>; its own type for its own migrations.
/// </summary>
public sealed class PostgresChannelsDbContext(DbContextOptions<PostgresChannelsDbContext> options) : ChannelsDbContext(options)
{
    public const string Schema = "channels";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        base.OnModelCreating(modelBuilder);
    }
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresChannelsDbContext</c> build the context without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresChannelsDbContext>
{
    public PostgresChannelsDbContext CreateDbContext(string[] args) => new(DesignTimeOptions.Postgres<PostgresChannelsDbContext>(PostgresChannelsDbContext.Schema));
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without a host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ChannelsDbContext>
{
    public ChannelsDbContext CreateDbContext(string[] args) => new(DesignTimeOptions.Sqlite<ChannelsDbContext>());
}
