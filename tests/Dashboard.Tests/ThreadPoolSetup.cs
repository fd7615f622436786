using System.Runtime.CompilerServices;

namespace AlertBroadcaster.Dashboard.Tests;

internal static class ThreadPoolSetup
{
    /// <summary>
    /// On Linux a child process's redirected output is read by a pool thread that blocks on the pipe,
    /// two per <see cref="HostProcess"/>. With the pool's default minimum (one thread per core) the
    /// in-process fakes (SMTP, SMS provider) then wait up to a second for the pool to add a thread, and
    /// the fake SMS provider sees requests sent a second apart arrive together.
    /// </summary>
    [ModuleInitializer]
    internal static void EnoughThreadsForBlockedPipeReaders()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(completionPorts, 64));
    }
}
