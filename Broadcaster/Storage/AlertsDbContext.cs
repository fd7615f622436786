using System.Text.Json;
using AlertBroadcaster.Broadcaster.Outbox;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace AlertBroadcaster.Broadcaster.Storage;

/// <summary>The Broadcaster's database: alerts, their revisions and the outbox.</summary>
public class AlertsDbContext : DbContext
{
    public AlertsDbContext(DbContextOptions<AlertsDbContext> options) : base(options)
    {
    }

    /// <summary>For the provider-specific subclass, whose options carry its own type.</summary>
    protected AlertsDbContext(DbContextOptions options) : base(options)
    {
    }

    private static readonly JsonSerializerOptions ContentJson = new(JsonSerializerDefaults.Web);

    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertRevision> AlertRevisions => Set<AlertRevision>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcTicksForInstants(this);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // The content is one document: stored as JSON so a new field needs no migration.
        var contentComparer = new ValueComparer<AlertContent>(
            (a, b) => JsonSerializer.Serialize(a, ContentJson) == JsonSerializer.Serialize(b, ContentJson),
            c => JsonSerializer.Serialize(c, ContentJson).GetHashCode(),
            c => c);

        modelBuilder.Entity<Alert>(alert =>
        {
            alert.HasKey(a => a.Id);
            alert.Property(a => a.Status).HasConversion<string>().HasMaxLength(32);
            alert.Property(a => a.Content)
                .HasConversion(c => JsonSerializer.Serialize(c, ContentJson), s => JsonSerializer.Deserialize<AlertContent>(s, ContentJson)!)
                .Metadata.SetValueComparer(contentComparer);
            alert.Property(a => a.CreatedBy).HasMaxLength(256);
            alert.Property(a => a.Version).IsConcurrencyToken();
            alert.HasIndex(a => a.Status);
            alert.HasIndex(a => a.CreatedAt);
            alert.HasMany(a => a.Revisions).WithOne().HasForeignKey(r => r.AlertId);
        });

        modelBuilder.Entity<AlertRevision>(revision =>
        {
            revision.HasKey(r => new { r.AlertId, r.Revision });
            revision.Property(r => r.Content)
                .HasConversion(c => JsonSerializer.Serialize(c, ContentJson), s => JsonSerializer.Deserialize<AlertContent>(s, ContentJson)!)
                .Metadata.SetValueComparer(contentComparer);
            revision.Property(r => r.Author).HasMaxLength(256);
        });

        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.HasKey(m => m.Id);
            message.Property(m => m.MessageType).HasMaxLength(256);
            message.HasIndex(m => m.DispatchedAt);
        });
    }
}
