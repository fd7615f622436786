using AlertBroadcaster.ServiceDefaults;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests.Deployment;

/// <summary>A host given a configuration it refuses stops at once, says why on its first line, and exits 1: no crash dump.</summary>
public sealed class StartFailureTests
{
    [Theory]
    [InlineData("Dashboard")]
    [InlineData("Broadcaster")]
    [InlineData("Channels")]
    public async Task A_host_that_cannot_start_exits_1_with_the_reason_first(string project)
    {
        using var data = new TempDataDirectory();
        var (exitCode, output) = await HostProcess.RunUntilExitAsync(project, new()
        {
            ["Storage__DataDirectory"] = data.Path,
            ["Hosting__TrustedProxies"] = "nginx",
        });

        Assert.Equal(ProcessEntry.FailedExitCode, exitCode);
        Assert.StartsWith(
            $"{project} stopped: Hosting:TrustedProxies is 'nginx': give a proxy's IP address (10.0.0.5) or network (10.0.0.0/24).",
            output.TrimStart());
        Assert.DoesNotContain("Unhandled exception", output);
    }
}
