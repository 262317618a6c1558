using System.Diagnostics;
using System.Globalization;

namespace Resolute.IntegrationTests.Hosting;

/// <summary>
/// One <c>Resolute.TestHost</c> process (orchestrator, worker or both): started with <c>dotnet Resolute.TestHost.dll</c>
/// from <c>resolute-testhost/</c> next to the test assembly, its stdout and stderr copied into a <see cref="ProcessLog"/>.
/// <see cref="StartAsync"/> returns once the process printed <see cref="ReadyLine"/>; disposing closes its stdin (a
/// clean stop) and kills the process tree if it has not exited within <see cref="StopTimeout"/>.
/// </summary>
public sealed class TestHostProcess : IAsyncDisposable
{
    /// <summary>The line the test host prints on stdout once its host has started.</summary>
    public const string ReadyLine = "RESOLUTE-TESTHOST READY";

    /// <summary>How long a clean stop may take before the process tree is killed.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly ProcessLog _log;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private TestHostProcess(string name, Process process, ProcessLog log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    /// <summary>Where the test host is: copied next to the test assembly by the test project's build.</summary>
    public static string HostAssemblyPath { get; } = Path.Combine(AppContext.BaseDirectory, "resolute-testhost", "Resolute.TestHost.dll");

    /// <summary>The name used in logs, e.g. <c>orchestrator</c> or the worker id.</summary>
    public string Name { get; }

    /// <summary>The operating-system process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the test host with <paramref name="arguments"/> and waits until it printed <see cref="ReadyLine"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">It exited first, or was not ready by <paramref name="readyTimeout"/>; the message holds its output.</exception>
    public static Task<TestHostProcess> StartAsync(string name, IEnumerable<string> arguments, ProcessLog log, TimeSpan readyTimeout) =>
        StartAsync(name, arguments, environment: null, log, readyTimeout);

    /// <summary>
    /// Starts the test host with <paramref name="arguments"/> and extra <paramref name="environment"/> variables for this
    /// process only (e.g. <c>RESOLUTE_TEST_FAULT</c>, the outbox fault hook of the durability scenarios), and waits until
    /// it printed <see cref="ReadyLine"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">It exited first, or was not ready by <paramref name="readyTimeout"/>; the message holds its output.</exception>
    public static async Task<TestHostProcess> StartAsync(
        string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, ProcessLog log, TimeSpan readyTimeout)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(log);
        if (!File.Exists(HostAssemblyPath))
        {
            throw new FileNotFoundException(
                $"The test host is not at {HostAssemblyPath}. The build of tests/Resolute.IntegrationTests copies tests/Resolute.TestHost's output there; rebuild the test project.",
                HostAssemblyPath);
        }

        var info = new ProcessStartInfo(DotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(HostAssemblyPath)!,
        };
        info.ArgumentList.Add(HostAssemblyPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new TestHostProcess(name, process, log);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data, "err");
        process.Exited += (_, _) => host.OnExited();

        var started = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var environmentText = environment is { Count: > 0 } ? string.Join(' ', environment.Select(v => $"{v.Key}={v.Value}")) + " " : "";
        log.Write(name, $"started pid {process.Id}: {environmentText}dotnet {Path.GetFileName(HostAssemblyPath)} {string.Join(' ', info.ArgumentList.Skip(1))}");

        try
        {
            await host._ready.Task.WaitAsync(readyTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await host.DisposeAsync().ConfigureAwait(false);
            var why = e is TimeoutException ? $"did not print '{ReadyLine}' within {readyTimeout.TotalSeconds:0} s" : e.Message;
            throw new InvalidOperationException($"Test host '{name}' {why}. Its output so far:{Environment.NewLine}{log.Tail()}", e);
        }

        log.Write(name, string.Create(CultureInfo.InvariantCulture, $"ready after {started.Elapsed.TotalSeconds:0.00} s"));
        return host;
    }

    /// <summary>Kills the process tree at once (a crash, not a clean stop).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>
    /// Sends SIGTERM, as Kubernetes or systemd do to stop a container or service: the generic host's console lifetime
    /// begins a clean stop (the shutdown drain). <see cref="Process.Kill()"/> would be SIGKILL.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>kill</c> failed.</exception>
    public async Task TerminateAsync()
    {
        var info = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        info.ArgumentList.Add("-TERM");
        info.ArgumentList.Add(_process.Id.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(info) ?? throw new InvalidOperationException("Could not start kill.");
        var error = await kill.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await kill.WaitForExitAsync().ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed with exit code {kill.ExitCode}: {error}");
        }

        _log.Write(Name, "sent SIGTERM");
    }

    /// <summary>Waits until the process exited; false when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The exit code, once the process exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Closes stdin (the host stops cleanly), waits up to <see cref="StopTimeout"/>, then kills the process tree.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                try
                {
                    _process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The pipe is already broken: the process is going away.
                }

                using var stop = new CancellationTokenSource(StopTimeout);
                try
                {
                    await _process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _log.Write(Name, $"did not stop within {StopTimeout.TotalSeconds:0} s of closing stdin: killing the process tree");
                    Kill();
                    using var killed = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await _process.WaitForExitAsync(killed.Token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>The <c>dotnet</c> executable running this test process, else the one on PATH.</summary>
    private static string DotnetHost
    {
        get
        {
            if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
            {
                return hostPath;
            }

            var current = Environment.ProcessPath;
            return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
        }
    }

    private void OnLine(string? line, string stream)
    {
        if (line is null)
        {
            return;
        }

        if (stream == "out" && line == ReadyLine)
        {
            _ready.TrySetResult();
        }

        _log.Write(Name, line);
    }

    private void OnExited()
    {
        int? code = null;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
        }

        _log.Write(Name, $"exited with code {code?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        _ready.TrySetException(new InvalidOperationException($"exited with code {code?.ToString(CultureInfo.InvariantCulture) ?? "?"} before it was ready"));
    }
}
