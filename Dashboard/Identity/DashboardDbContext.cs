using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Approval;
using AlertBroadcaster.Dashboard.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AlertBroadcaster.Dashboard.Identity;

/// <summary>The Dashboard's database: staff users, roles and API keys, alerts awaiting approval or queued for the Broadcaster, delivery counts, the audit log.</summary>
public class DashboardDbContext : IdentityDbContext<IdentityUser, IdentityRole, string>
{
    public DbSet<QueuedAlert> QueuedAlerts => Set<QueuedAlert>();

    public DbSet<DeliveryCount> DeliveryCounts => Set<DeliveryCount>();

    public DbSet<AlertApproval> AlertApprovals => Set<AlertApproval>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<AlertTemplate> AlertTemplates => Set<AlertTemplate>();

    public DashboardDbContext(DbContextOptions<DashboardDbContext> options) : base(options)
    {
    }

    /// <summary>For the provider-specific subclass, whose options carry its own type.</summary>
    protected DashboardDbContext(DbContextOptions options) : base(options)
    {
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<QueuedAlert>(queued =>
        {
            queued.Property(q => q.Id).ValueGeneratedNever();
            queued.Property(q => q.Command).IsRequired();
        });
        builder.Entity<DeliveryCount>(count =>
        {
            count.HasKey(c => new { c.AlertId, c.Channel });
            count.Property(c => c.Channel).HasConversion<string>().HasMaxLength(16);
        });
        builder.Entity<AlertApproval>(approval =>
        {
            approval.Property(a => a.Id).ValueGeneratedNever();
            approval.Property(a => a.State).HasConversion<string>().HasMaxLength(32);
            approval.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
            approval.HasIndex(a => a.State);
            approval.HasIndex(a => a.AlertId);
            // One request waiting per alert: two changes submitted at once cannot both wait (quoted for PostgreSQL; SQLite accepts it too).
            approval.HasIndex(a => a.AlertId, "IX_AlertApprovals_OneWaiting").IsUnique().HasFilter("\"State\" = 'AwaitingApproval'");
        });
        builder.Entity<AuditEntry>(entry =>
        {
            entry.ToTable(AuditEntry.Table);
            if (Database.IsSqlite())
            {
                // SQLite cannot compare DateTimeOffset: UTC ticks, so the date filters run in SQL.
                entry.Property(e => e.At).HasConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
            }

            entry.HasIndex(e => e.AlertId);
            entry.HasIndex(e => e.Actor);
            entry.HasIndex(e => e.Action);
        });
        builder.Entity<AlertTemplate>(template =>
        {
            template.HasKey(t => t.Key);
            template.Property(t => t.Key).HasMaxLength(64);
            template.Property(t => t.Kind).HasConversion<string>().HasMaxLength(32);
            template.Property(t => t.Severity).HasConversion<string>().HasMaxLength(16);
            template.Ignore(t => t.ChannelList);
            // A new installation starts with the built-in templates; Admins change them from there.
            template.HasData(Alerts.AlertTemplates.Defaults);
        });
        builder.Entity<ApiKey>(key =>
        {
            key.Property(k => k.Id).ValueGeneratedNever();
            key.HasIndex(k => k.Hash).IsUnique();
        });
    }
}

/// <summary>The same model on PostgreSQL, in the schema <c>dashboard</c>; its own type for its own migrations.</summary>
public sealed class PostgresDashboardDbContext(DbContextOptions<PostgresDashboardDbContext> options) : DashboardDbContext(options)
{
    public const string Schema = "dashboard";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.HasDefaultSchema(Schema);
        base.OnModelCreating(builder);
    }
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresDashboardDbContext</c> build the context without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDashboardDbContext>
{
    public PostgresDashboardDbContext CreateDbContext(string[] args) => new(DesignTimeOptions.Postgres<PostgresDashboardDbContext>(PostgresDashboardDbContext.Schema));
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without a host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<DashboardDbContext>
{
    public DashboardDbContext CreateDbContext(string[] args) => new(DesignTimeOptions.Sqlite<DashboardDbContext>());
}
