using System.Reflection;
using Microsoft.Extensions.Hosting;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>How each host process (Dashboard, Broadcaster, Channels) starts and ends.</summary>
public static class ProcessEntry
{
    /// <summary>The exit code of a process that could not start, or stopped on an error.</summary>
    public const int FailedExitCode = 1;

    /// <summary>
    /// Builds and runs a host. Started as its own process, a host that cannot start (a configuration
    /// value refused, a database or broker out of reach) ends with exit code 1 and the reason on
    /// standard error, first line first, where an operator or a container log reads it: not an
    /// unhandled-exception abort (exit code 134 and a core dump). Inside another program (a test's
    /// WebApplicationFactory runs the Dashboard's entry point) the exception stays that program's.
    /// </summary>
    /// <param name="name">The host's name, as an operator knows it.</param>
    /// <param name="host">The assembly whose entry point calls this.</param>
    /// <param name="run">Builds the host and runs it until it stops.</param>
    public static int Run(string name, Assembly host, Action run)
    {
        try
        {
            run();
            return Environment.ExitCode;
        }
        catch (Exception ex) when (Assembly.GetEntryAssembly() == host && ex is not HostAbortedException)
        {
            Console.Error.WriteLine($"{name} stopped: {ex.Message}");
            Console.Error.WriteLine(ex);
            return FailedExitCode;
        }
    }
}
