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

    /// <summary>Every queue of the tests' virtual host with its ready, unacknowledged and consumer counts, for a failure's message.</summary>
    public static async Task<string> RabbitMqQueuesAsync()
    {
        var virtualHost = Uri.UnescapeDataString(new Uri(DashboardApp.RabbitMqConnectionString).AbsolutePath.TrimStart('/'));
        return await RunAsync($"rabbitmq-queues {(virtualHost.Length == 0 ? "/" : virtualHost)}", captureOutput: true);
    }

    private static async Task<string> RunAsync(string command, bool captureOutput = false)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "scripts", "servers.sh")))
        {
            root = root.Parent!;
        }

        using var process = Process.Start(new ProcessStartInfo("bash", $"scripts/servers.sh {command}")
        {
            WorkingDirectory = root.FullName,
            RedirectStandardOutput = captureOutput,
        })!;
        var output = captureOutput ? await process.StandardOutput.ReadToEndAsync() : "";
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
