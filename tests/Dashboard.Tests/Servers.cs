using System.Diagnostics;

namespace AlertBroadcaster.Dashboard.Tests;

/// <summary>
/// The real servers' faults, injected with scripts/servers.sh: the broker taken away and brought
/// back, the database restarted. Tests in this assembly run one at a time, so no other test sees them.
/// </summary>
public static class Servers
{
    public static Task StopRabbitMqAsync() => RunAsync("rabbitmq-down");

    public static Task StartRabbitMqAsync() => RunAsync("rabbitmq-up");

    /// <summary>A fast shutdown (open connections cut, as in a failover) and the same server back.</summary>
    public static Task RestartPostgresAsync() => RunAsync("postgres-restart");

    private static async Task RunAsync(string command)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "scripts", "servers.sh")))
        {
            root = root.Parent!;
        }

        using var process = Process.Start(new ProcessStartInfo("bash", $"scripts/servers.sh {command}") { WorkingDirectory = root.FullName })!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }
}
