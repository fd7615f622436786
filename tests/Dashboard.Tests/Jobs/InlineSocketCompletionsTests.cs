using AlertBroadcaster.Channels.Jobs;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests.Jobs;

/// <summary>
/// With the runtime's socket completions inline, the delivery jobs' synchronous job storage waited on
/// its own socket thread and no email went out (docs/benchmark-notes.md, session 18). Channels/Dockerfile
/// had set it for the banner; a process that uses that storage now refuses it at start, saying why.
/// </summary>
public sealed class InlineSocketCompletionsTests
{
    [Theory]
    [InlineData("Channels", true)]
    [InlineData("Dashboard", true)]
    [InlineData("Dashboard", false)]
    public async Task A_host_that_uses_the_delivery_job_storage_refuses_inline_socket_completions_and_says_what_to_unset(string project, bool embedded)
    {
        using var data = new TempDataDirectory();
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = data.Path,
            [DeliveryJobs.InlineSocketCompletions] = "1",
        };
        if (!embedded)
        {
            // The staff-only Dashboard: it runs no jobs but shows them at /hangfire through the same storage.
            environment["Hosting__Embedded"] = "false";
            environment["ConnectionStrings__Postgres"] = DashboardApp.PostgresConnectionString($"alerts_test_{Guid.NewGuid():N}");
            environment["ConnectionStrings__RabbitMq"] = DashboardApp.RabbitMqConnectionString;
        }

        var (exitCode, output) = await HostProcess.RunUntilExitAsync(project, environment);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Unset DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", output);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public void Without_inline_socket_completions_the_delivery_jobs_start(string? value) =>
        DeliveryJobs.RefuseInlineSocketCompletions(value);
}
