using System.Diagnostics;

namespace AlertBroadcaster.Dashboard.Tests.Deployment;

/// <summary>
/// There is no container engine here to run the compose file, so it is validated the way
/// docker-compose itself would before starting anything (scripts/test.sh installs docker-compose).
/// </summary>
public sealed class DockerComposeTests
{
    [Fact]
    public async Task Compose_file_is_valid()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "docker-compose.yml")))
        {
            root = root.Parent ?? throw new InvalidOperationException("docker-compose.yml not found above the test output");
        }

        var start = new ProcessStartInfo("docker-compose", "-f docker-compose.yml config -q")
        {
            WorkingDirectory = root.FullName,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["POSTGRES_PASSWORD"] = "validation-only";
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"docker-compose config -q failed: {errors}");
    }
}
