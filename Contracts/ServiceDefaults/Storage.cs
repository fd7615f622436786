using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Where the embedded SQLite files live; relative paths are from the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Create or migrate each component's schema on start.</summary>
    public bool Migrate { get; set; } = true;

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);
}

public static class StorageExtensions
{
    public static IServiceCollection AddStorageOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// <c>ConnectionStrings:Postgres</c>, or null when the embedded SQLite files are used. Every store,
    /// Hangfire and Quartz read it through here, so they share its one default: statements prepared
    /// on the server (<see cref="AutoPreparedStatements"/>).
    /// </summary>
    public static string? PostgresConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString("Postgres") is { Length: > 0 } postgres ? PreparingStatements(postgres) : null;

    /// <summary>
    /// How many statements Npgsql keeps prepared on each connection (<c>Max Auto Prepare</c>), unless
    /// the connection string says otherwise: a statement run five times on a connection (the ledger's
    /// sent-row update, a batch's load, Hangfire's fetch) is then parsed and planned by PostgreSQL once,
    /// not on every call. Behind PgBouncer in transaction mode before 1.21, say <c>Max Auto Prepare=0</c>.
    /// </summary>
    public const int AutoPreparedStatements = 32;

    /// <summary><paramref name="connectionString"/> with <see cref="AutoPreparedStatements"/>, unless it sets Max Auto Prepare itself.</summary>
    public static string PreparingStatements(string connectionString)
    {
        // Npgsql's own builder answers every keyword it knows as present; the plain one holds only what was written.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (written.Keys.Cast<string>().Any(key => key.Replace(" ", "").Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            return connectionString;
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = AutoPreparedStatements }.ConnectionString;
    }

    /// <summary>The SQLite file of one component's store under <c>Storage:DataDirectory</c>.</summary>
    public static string SqliteConnectionString(this IConfiguration configuration, string databaseName) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(configuration.DataDirectory(), databaseName + ".db"),
            Pooling = true,
        }.ToString();

    /// <summary>A component's PostgreSQL store keeps its migration history in its own schema.</summary>
    public static DbContextOptionsBuilder UsePostgresStore(this DbContextOptionsBuilder options, string connectionString, string schema) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory", schema));

    /// <summary>
    /// EF Core logs every failed command and SaveChanges as an error, then throws. The caller owns
    /// the exception: a unique key settling a race between replicas (both recording an alert's end,
    /// both starting the same send) is caught as expected and must not page anyone; anything else
    /// reaches MassTransit, Hangfire or ASP.NET Core, which log it once, with the exception. EF's own
    /// copies are kept at Debug.
    /// </summary>
    public static DbContextOptionsBuilder LogFailuresOnceWhereHandled(this DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug)));

    /// <summary>The full path of <c>Storage:DataDirectory</c> (default <c>./data</c>), created if missing.</summary>
    public static string DataDirectory(this IConfiguration configuration)
    {
        var directory = Path.GetFullPath(configuration[$"{StorageOptions.Section}:DataDirectory"] ?? "./data");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>
    /// SQLite cannot order or compare <see cref="DateTimeOffset"/> in SQL; store instants as UTC
    /// ticks there. PostgreSQL's timestamptz needs no help.
    /// </summary>
    public static void UseUtcTicksForInstants(this ModelConfigurationBuilder builder, DbContext context)
    {
        if (context.Database.IsSqlite())
        {
            builder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
            builder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    /// <summary>
    /// A component's own store: the SQLite file <c>{name}.db</c> embedded, or the schema
    /// <c>{name}</c> in PostgreSQL when <c>ConnectionStrings:Postgres</c> is set (through
    /// <typeparamref name="TPostgresContext"/>, which carries the PostgreSQL migrations). Migrated on
    /// start unless <c>Storage:Migrate</c> is false. Register before the bus so it is migrated first.
    /// </summary>
    public static IServiceCollection AddComponentDatabase<TContext, TPostgresContext>(this IServiceCollection services, IConfiguration configuration, string name)
        where TContext : DbContext
        where TPostgresContext : TContext
    {
        services.AddStorageOptions(configuration);
        if (configuration.PostgresConnectionString() is { } postgres)
        {
            services.AddDbContext<TContext, TPostgresContext>(o => o.UsePostgresStore(postgres, name).LogFailuresOnceWhereHandled());
        }
        else
        {
            services.AddDbContext<TContext>(o => o.UseSqlite(configuration.SqliteConnectionString(name)).AddInterceptors(SqliteBusyTimeout.Instance).LogFailuresOnceWhereHandled());
        }

        services.AddHostedService<DatabaseMigrator<TContext>>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>(typeof(TContext).Name, tags: [HealthEndpoints.Ready]);
        return services;
    }
}

/// <summary>For stores that are not EF Core (Hangfire), which expect their database to exist.</summary>
public static class PostgresDatabase
{
    /// <summary>Creates the connection string's database if missing; safe when several processes race.</summary>
    public static void EnsureExists(string connectionString)
    {
        var target = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var name = target.Database ?? throw new InvalidOperationException("ConnectionStrings:Postgres names no Database.");
        var maintenance = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        using var connection = new Npgsql.NpgsqlConnection(maintenance.ToString());
        connection.Open();
        using var exists = new Npgsql.NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (exists.ExecuteScalar() is not null)
        {
            return;
        }

        try
        {
            using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", connection);
            create.ExecuteNonQuery();
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState is Npgsql.PostgresErrorCodes.DuplicateDatabase or Npgsql.PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it a moment before us.
        }
    }
}

/// <summary>
/// Runs before the bus and the scheduler start (hosted services start in registration order),
/// so nothing reads a table that is not there yet.
/// </summary>
internal sealed class DatabaseMigrator<TContext>(
    IServiceProvider services, IOptions<StorageOptions> options, ILogger<DatabaseMigrator<TContext>> logger)
    : IHostedService where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Migrate)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (db.Database.IsSqlite())
        {
            // WAL lets the banner read while a consumer writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        if (db.Database.IsNpgsql())
        {
            await MigratePostgresAsync(db, cancellationToken);
        }
        else
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        logger.LogInformation("Database for {Context} is up to date", typeof(TContext).Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Replicas start together: one migrates at a time (a session-level advisory lock), the others
    /// then find the schema up to date. Without it two processes race to create the same tables.
    /// </summary>
    private static async Task MigratePostgresAsync(TContext db, CancellationToken cancellationToken)
    {
        PostgresDatabase.EnsureExists(db.Database.GetConnectionString()!);
        await db.Database.WithAdvisoryLockAsync(MigrationLockKey, () => db.Database.MigrateAsync(cancellationToken), cancellationToken);
    }

    /// <summary>Any fixed number, the same in every process of the system.</summary>
    private const long MigrationLockKey = 7_243_318_805;
}

public static class PostgresAdvisoryLock
{
    /// <summary>
    /// Runs <paramref name="work"/> while this session holds the advisory lock <paramref name="key"/>:
    /// one process at a time across every replica (a PostgreSQL context only).
    /// </summary>
    public static async Task WithAdvisoryLockAsync(this DatabaseFacade database, long key, Func<Task> work, CancellationToken cancellationToken)
    {
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await database.ExecuteSqlAsync($"SELECT pg_advisory_lock({key})", cancellationToken);
            try
            {
                await work();
            }
            finally
            {
                await database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({key})", CancellationToken.None);
            }
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }
}

/// <summary>
/// SQLite waits for the write lock itself, retrying every few milliseconds, instead of failing at
/// once: Microsoft.Data.Sqlite's own retry sleeps 150 ms, and with parallel email batches recording
/// what they sent, those sleeps were most of the batches' time (bench/email-fanout.sh, dotnet-stack).
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();

    private const string Pragma = "PRAGMA busy_timeout = 30000;";

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Ready only while the component's database answers.</summary>
internal sealed class DatabaseHealthCheck<TContext>(TContext db) : IHealthCheck
    where TContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"{typeof(TContext).Name} does not answer.");
}

/// <summary>
/// Options for the design-time factories that <c>dotnet ef migrations add</c> uses: the same
/// provider settings as at run time, no server needed.
/// </summary>
public static class DesignTimeOptions
{
    public static DbContextOptions<TContext> Sqlite<TContext>() where TContext : DbContext =>
        new DbContextOptionsBuilder<TContext>().UseSqlite("Data Source=design-time.db").Options;

    public static DbContextOptions<TContext> Postgres<TContext>(string schema) where TContext : DbContext =>
        ((DbContextOptionsBuilder<TContext>)new DbContextOptionsBuilder<TContext>().UsePostgresStore("Host=localhost", schema)).Options;
}
