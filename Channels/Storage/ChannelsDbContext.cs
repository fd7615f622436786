using System.Text.Json;
using AlertBroadcaster.Channels.Banner;
using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Channels.Subscriptions;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AlertBroadcaster.Channels.Storage;

/// <summary>
/// The Channels database: the banner projection, subscribers, the delivery ledger, and the
/// replicas' shared data-protection key ring.
/// </summary>
public class ChannelsDbContext : DbContext, IDataProtectionKeyContext
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

    public DbSet<Subscriber> Subscribers => Set<Subscriber>();

    public DbSet<SubscriptionSecret> Secrets => Set<SubscriptionSecret>();

    public DbSet<AlertSend> Sends => Set<AlertSend>();

    public DbSet<Delivery> Deliveries => Set<Delivery>();

    public DbSet<EndedAlert> EndedAlerts => Set<EndedAlert>();

    public DbSet<RateLimit> RateLimits => Set<RateLimit>();

    public DbSet<SmsVerification> SmsVerifications => Set<SmsVerification>();

    public DbSet<LoggedSms> LoggedSms => Set<LoggedSms>();

    /// <summary>The keys that seal the public pages' anti-forgery tokens, the same on every replica (<see cref="ChannelsExtensions.AddReplicaKeyRing"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcTicksForInstants(this);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
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

        modelBuilder.Entity<Subscriber>(subscriber =>
        {
            subscriber.Property(s => s.Channel).HasConversion<string>().HasMaxLength(16);
            subscriber.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            subscriber.Property(s => s.Address).HasMaxLength(320);
            subscriber.HasIndex(s => new { s.Channel, s.Address }).IsUnique();
            subscriber.HasIndex(s => s.ConfirmationTokenHash);
            // The fan-out reads Active subscribers of a channel in id order, page by page.
            subscriber.HasIndex(s => new { s.Channel, s.Status, s.Id });
            subscriber.Ignore(s => s.SiteList);
            subscriber.Ignore(s => s.TopicList);
        });

        modelBuilder.Entity<SubscriptionSecret>().HasKey(s => s.Name);
        modelBuilder.Entity<EndedAlert>().HasKey(e => e.AlertId);

        modelBuilder.Entity<AlertSend>(send =>
        {
            send.Property(s => s.Channel).HasConversion<string>().HasMaxLength(16);
            send.Property(s => s.Purpose).HasConversion<string>().HasMaxLength(16);
            send.HasIndex(s => new { s.AlertId, s.Revision, s.Channel, s.Purpose }).IsUnique();
            send.Property(s => s.Alert).HasConversion(
                a => JsonSerializer.Serialize(a, ContentJson),
                s => JsonSerializer.Deserialize<AlertSnapshot>(s, ContentJson)!);
        });

        modelBuilder.Entity<Delivery>(delivery =>
        {
            delivery.Property(d => d.Channel).HasConversion<string>().HasMaxLength(16);
            delivery.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
            delivery.HasIndex(d => new { d.SendId, d.SubscriberId }).IsUnique();
            delivery.HasIndex(d => new { d.SendId, d.Status, d.Id });
            delivery.HasIndex(d => new { d.AlertId, d.Channel, d.Status });
            delivery.Property(d => d.Provider).HasMaxLength(16);
            delivery.Property(d => d.ProviderMessageId).HasMaxLength(64);
            // Receipts find their delivery by the provider's id. Only texts have one: an email row
            // (100,000 in a fan-out, each written twice) costs this index nothing.
            delivery.HasIndex(d => d.ProviderMessageId).HasFilter("\"ProviderMessageId\" IS NOT NULL");
        });

        modelBuilder.Entity<RateLimit>(limit =>
        {
            limit.HasKey(l => l.Name);
            limit.Property(l => l.Name).HasMaxLength(32);
        });
        modelBuilder.Entity<SmsVerification>(verification =>
        {
            verification.Property(v => v.Number).HasMaxLength(20);
            verification.HasIndex(v => new { v.Number, v.SentAt });
            verification.HasIndex(v => v.SentAt);
            verification.HasIndex(v => v.ReferenceHash).IsUnique();
        });
        modelBuilder.Entity<LoggedSms>().Property(l => l.To).HasMaxLength(20);
    }
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
        // Shared by the replicas' rate limiter; the embedded host keeps its own in memory.
        modelBuilder.Entity<ProviderRequest>().ToTable("ProviderRequests");
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
