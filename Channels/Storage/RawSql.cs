using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace AlertBroadcaster.Channels.Storage;

/// <summary>Names from the model for the few statements written as SQL, so they follow the model's schema and tables.</summary>
internal static class RawSql
{
    /// <summary>The entity's table, schema-qualified and quoted for this database.</summary>
    public static string TableOf<T>(this DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in this database's model.");
        return db.GetService<ISqlGenerationHelper>().DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
    }
}
