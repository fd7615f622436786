using System.Text.Json;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AlertBroadcaster.Channels.Storage;

/// <summary>The Channels database: the banner projection (subscribers and deliveries to come).</summary>
public sealed class ChannelsDbContext(DbContextOptions<ChannelsDbContext> options) : DbContext(options)
{
    private static readonly JsonSerializerOptions ContentJson = new(JsonSerializerDefaults.Web);

    public DbSet<BannerAlert> BannerAlerts => Set<BannerAlert>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcTicksForInstants(this);

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<BannerAlert>(banner =>
        {
            banner.HasKey(b => b.Id);
            // Replaced whole, never edited in place, so reference comparison is enough.
            banner.Property(b => b.Content).HasConversion(
                c => c == null ? null : JsonSerializer.Serialize(c, ContentJson),
                s => s == null ? null : JsonSerializer.Deserialize<AlertContent>(s, ContentJson));
        });
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without a host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ChannelsDbContext>
{
    public ChannelsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ChannelsDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
