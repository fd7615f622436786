using AlertBroadcaster.Channels.Jobs;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests.Jobs;

/// <summary>
/// With the runtime's socket completions inline, the delivery jobs' synchronous job storage waited on
/// its own socket thread and no email went out (docs/benchmark-notes.md, session 18). Channels/Dockerfile
/// had set it for the banner; a process that runs delivery jobs now refuses it at start, saying why.
/// </summary>
public sealed class InlineSocketCompletionsTests
{
    [Theory]
    [InlineData("Channels")]
    [InlineData("Dashboard")]
    public async Task A_host_that_runs_delivery_jobs_refuses_inline_socket_completions_and_says_what_to_unset(string project)
    {
        using var data = new TempDataDirectory();

        var (exitCode, output) = await HostProcess.RunUntilExitAsync(project, new()
        {
            ["Storage__DataDirectory"] = data.Path,
            [DeliveryJobs.InlineSocketCompletions] = "1",
        });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Unset DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", output);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public void Without_inline_socket_completions_the_delivery_jobs_start(string? value) =>
        DeliveryJobs.RefuseInlineSocketCompletions(value);
}
