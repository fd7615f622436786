using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AlertBroadcaster.Broadcaster.Storage;

/// <summary>
/// The same model on PostgreSQL, in the schema <c>broadcaster</c>. A type of its own because EF
/// keeps one migration history per context type, and each provider needs its own migrations.
/// </summary>
public sealed class PostgresAlertsDbContext(DbContextOptions<PostgresAlertsDbContext> options) : AlertsDbContext(options)
{
    public const string Schema = "broadcaster";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        base.OnModelCreating(modelBuilder);
    }
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresAlertsDbContext</c> build the context without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAlertsDbContext>
{
    public PostgresAlertsDbContext CreateDbContext(string[] args) => new(DesignTimeOptions.Postgres<PostgresAlertsDbContext>(PostgresAlertsDbContext.Schema));
}
