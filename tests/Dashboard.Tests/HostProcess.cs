using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests;

/// <summary>
/// A host as a user runs it: the built program (Dashboard, Broadcaster or Channels) in its own
/// process, as <c>dotnet run --project X</c> does, on a free loopback port, so a test can kill
/// it and start it again.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output;

    private HostProcess(Process process, Uri address, System.Collections.Concurrent.ConcurrentQueue<string> output)
    {
        _process = process;
        Address = address;
        _output = output;
    }

    /// <summary>The process's last lines of console output, for a failing test's message.</summary>
    public string RecentOutput => string.Join('\n', _output.TakeLast(60));

    /// <summary>Everything the process has written to its console so far.</summary>
    public string Output => string.Join('\n', _output);

    public Uri Address { get; }

    /// <summary>The embedded Dashboard on SQLite files in <paramref name="dataDirectory"/>.</summary>
    public static Task<HostProcess> StartDashboardAsync(string dataDirectory) =>
        StartAsync("Dashboard", new() { ["Storage__DataDirectory"] = dataDirectory });

    /// <summary>
    /// Starts several at once; if any fails to start, stops the others before rethrowing, so no
    /// process outlives the test and consumes another test's messages from the shared broker.
    /// </summary>
    public static async Task<HostProcess[]> StartAllAsync(params (string Project, Dictionary<string, string> Environment)[] hosts)
    {
        var starting = hosts.Select(h => StartAsync(h.Project, h.Environment)).ToList();
        try
        {
            return await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Every process a test started, killed if the test run itself ends first.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Process> Running = new();

    static HostProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
    };

    /// <summary>
    /// A port is free when it is asked for, not necessarily when the process binds it: a process of
    /// another test running alongside may be given the same one. The process then cannot listen and
    /// exits, and is started again on another port; and it counts as ready only once the socket
    /// answering on its port is its own (a CI run once took another test's process for this one).
    /// </summary>
    public static async Task<HostProcess> StartAsync(string project, Dictionary<string, string> environment)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnAFreePortAsync(project, environment);
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>
    /// Runs a program that is expected to stop by itself (one that refuses to start, say) and returns
    /// its exit code and everything it wrote; fails the test if it is still running after a minute.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(string project, Dictionary<string, string> environment)
    {
        var start = StartInfo(project, new Uri($"http://127.0.0.1:{LoopbackPort.Free()}"), environment);
        using var process = Process.Start(start)!;
        Running[process.Id] = process;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await Task.WhenAll(process.WaitForExitAsync(), output, errors).WaitAsync(TimeSpan.FromSeconds(60));
            return (process.ExitCode, await output + await errors);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the {project} process was still running after a minute");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            Running.TryRemove(process.Id, out _);
        }
    }

    private static ProcessStartInfo StartInfo(string project, Uri address, Dictionary<string, string> environment)
    {
        var program = ProgramPath(project);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(program)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(program);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString());
        start.Environment["Admin__Email"] = DashboardApp.AdminEmail;
        start.Environment["Admin__Password"] = DashboardApp.AdminPassword;
        start.Environment["Api__Keys__0"] = DashboardApp.ApiKey;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static async Task<HostProcess> StartOnAFreePortAsync(string project, Dictionary<string, string> environment)
    {
        var port = LoopbackPort.Free();
        var address = new Uri($"http://127.0.0.1:{port}");
        var process = Process.Start(StartInfo(project, address, environment))!;
        Running[process.Id] = process;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var running = new HostProcess(process, address, output);
        using var probe = new HttpClient { BaseAddress = address };
        try
        {
            await WaitUntilReadyAsync();
        }
        catch (TimeoutException timeout)
        {
            await running.DisposeAsync();
            throw new TimeoutException($"{timeout.Message}; it said:\n{running.RecentOutput}", timeout);
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }

        return running;

        Task WaitUntilReadyAsync() => Poll.UntilAsync(async () =>
        {
            if (process.HasExited && output.Any(line => line.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
            {
                throw new PortTakenException();
            }

            Assert.False(process.HasExited, $"the {project} process exited during start:\n{string.Join('\n', output.TakeLast(40))}");
            try
            {
                return (await probe.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK && Listens(process, port);
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(120), $"the {project} process to be ready");
    }

    public HttpClient CreateApiClient()
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DashboardApp.ApiKey);
        return client;
    }

    /// <summary>kill -9: no graceful shutdown, nothing flushed that was not already committed.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a container: the process finishes its work and exits.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Running.TryRemove(_process.Id, out _);
        _process.Dispose();
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address };

    /// <summary>A browser-like client signed in as the seeded administrator (a Dashboard process).</summary>
    public async Task<HttpClient> CreateSignedInClientAsync()
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = Address };
        Assert.Equal(HttpStatusCode.Redirect, (await Account.SignInTests.SignInAsync(client, DashboardApp.AdminPassword)).StatusCode);
        return client;
    }

    /// <summary>The program built beside this test assembly's configuration (bin/Debug/net10.0).</summary>
    private static string ProgramPath(string project)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "AlertBroadcaster.slnx")))
        {
            root = root.Parent;
        }

        var program = Path.Combine(root!.FullName, project, "bin", configuration, framework, $"AlertBroadcaster.{project}.dll");
        Assert.True(File.Exists(program), $"build the solution first: {program} is missing");
        return program;
    }

    /// <summary>Whether the process holds the socket listening on the loopback port (Linux: /proc).</summary>
    private static bool Listens(Process process, int port)
    {
        // /proc/net/tcp: "sl local_address rem_address st … inode"; local 0100007F:PORT in hex, state 0A = LISTEN.
        var listening = File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[3] == "0A" && int.Parse(fields[1].Split(':')[1], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) == port)
            .Select(fields => $"socket:[{fields[9]}]")
            .ToHashSet();
        try
        {
            return new DirectoryInfo($"/proc/{process.Id}/fd").EnumerateFileSystemInfos()
                .Any(fd => fd.LinkTarget is { } target && listening.Contains(target));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // it exited meanwhile
        }
    }

    private sealed class PortTakenException : Exception;
}
