using System.Runtime.CompilerServices;
using Hangfire.PostgreSql;

namespace AlertBroadcaster.Dashboard.Tests;

internal static class HangfireStatics
{
    /// <summary>
    /// Hangfire keeps one process-wide log provider, and each test app sets it to its own logger
    /// factory, which is disposed with the app. Hangfire.PostgreSql's schema installer takes its logger
    /// from that provider once, in its static constructor; when the first install of the test run came
    /// from a test calling <c>DeliveryJobs.InstallSchema</c> directly after an app had been disposed,
    /// the constructor threw and every later install in the run failed with it. Run the constructor
    /// before any app exists: the logger is then Hangfire's default (none configured: silent).
    /// </summary>
    [ModuleInitializer]
    internal static void InitialiseBeforeAnyApp() =>
        RuntimeHelpers.RunClassConstructor(typeof(PostgreSqlObjectsInstaller).TypeHandle);
}
