using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore.Design;

namespace AlertBroadcaster.Broadcaster.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without a host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AlertsDbContext>
{
    public AlertsDbContext CreateDbContext(string[] args) => new(DesignTimeOptions.Sqlite<AlertsDbContext>());
}
