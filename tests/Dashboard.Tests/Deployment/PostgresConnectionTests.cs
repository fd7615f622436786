using AlertBroadcaster.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace AlertBroadcaster.Dashboard.Tests.Deployment;

/// <summary><c>ConnectionStrings:Postgres</c> as every store, Hangfire and Quartz receive it: statements prepared on the server unless it says otherwise.</summary>
public sealed class PostgresConnectionTests
{
    [Theory]
    [InlineData("Host=db;Username=alerts;Password=secret;Database=alerts", StorageExtensions.AutoPreparedStatements)]
    [InlineData("Host=db;Username=alerts;Password=secret;Database=alerts;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Username=alerts;Password=secret;Database=alerts;MaxAutoPrepare=10", 10)]
    public void Statements_are_prepared_unless_the_connection_string_says_otherwise(string configured, int prepared)
    {
        var connection = new NpgsqlConnectionStringBuilder(Configuration(configured).PostgresConnectionString());

        Assert.Equal(prepared, connection.MaxAutoPrepare);
        Assert.Equal(("db", "alerts", "secret", "alerts"), (connection.Host, connection.Username, connection.Password, connection.Database));
    }

    [Fact]
    public void No_connection_string_means_the_embedded_SQLite_files() =>
        Assert.Null(Configuration(null).PostgresConnectionString());

    [Theory]
    [InlineData("", 1)]
    [InlineData(";Max Auto Prepare=0", 0)]
    public async Task On_the_real_server_a_repeated_statement_is_prepared_once(string setting, int prepared)
    {
        var configured = DashboardApp.PostgresConnectionString("postgres") + setting;
        await using var connection = new NpgsqlConnection(Configuration(configured).PostgresConnectionString());
        await connection.OpenAsync();
        for (var run = 0; run < 6; run++)
        {
            await using var repeated = new NpgsqlCommand("SELECT count(*) FROM pg_class WHERE relkind = @kind", connection);
            repeated.Parameters.AddWithValue("kind", 'r');
            await repeated.ExecuteScalarAsync();
        }

        await using var statements = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM pg_class WHERE relkind%'", connection);
        Assert.Equal(prepared, Convert.ToInt32(await statements.ExecuteScalarAsync()));
    }

    private static IConfiguration Configuration(string? postgres) =>
        new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Postgres", postgres)]).Build();
}
