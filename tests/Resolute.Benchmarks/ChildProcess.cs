using System.Diagnostics;
using System.Globalization;

namespace Resolute.Benchmarks;

/// <summary>
/// A child process of this benchmark (orchestrator or worker role), stopped by closing its standard input. It reports
/// how many methods it has JIT-compiled (for the warm-up) and exposes its RSS (for the memory section).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    public const string ReadyLine = "RESOLUTE-BENCH READY";
    /// <summary>The child's periodic report: "RESOLUTE-BENCH STATS {methods JIT-compiled} {managed heap bytes}".</summary>
    public const string StatsLinePrefix = "RESOLUTE-BENCH STATS ";
    private readonly Process _process;
    private long _compiledMethods;
    private long _managedHeapBytes;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>Methods the child has JIT-compiled, as of its last report (every 500 ms).</summary>
    public long CompiledMethods => Interlocked.Read(ref _compiledMethods);

    /// <summary>The child's managed heap after its last GC, in MiB, as of its last report: tells managed growth from native.</summary>
    public double ManagedHeapMegabytes => Interlocked.Read(ref _managedHeapBytes) / (1024.0 * 1024.0);

    public static async Task<ChildProcess> StartAsync(string name, string assembly, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start a child process");
        var child = new ChildProcess(process, name);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == ReadyLine)
            {
                ready.TrySetResult();
            }
            else if (e.Data?.StartsWith(StatsLinePrefix, StringComparison.Ordinal) == true)
            {
                var fields = e.Data[StatsLinePrefix.Length..].Split(' ');
                if (fields.Length == 2
                    && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var methods)
                    && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var heap))
                {
                    Interlocked.Exchange(ref child._compiledMethods, methods);
                    Interlocked.Exchange(ref child._managedHeapBytes, heap);
                }
            }
            else if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"{name} (pid {process.Id}) exited before it was ready; see its errors above."));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{name} {process.Id}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        }
        catch
        {
            await child.KillAsync();
            throw;
        }

        return child;
    }

    /// <summary>Resident set size from /proc/PID/status (VmRSS), in MiB; NaN once the process is gone.</summary>
    public double ReadRssMegabytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kilobytes = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
                    return kilobytes / 1024.0;
                }
            }
        }
        catch (IOException)
        {
        }

        return double.NaN;
    }

    /// <summary>Ends the child at once (runs in flight and their queues are thrown away with the deployment).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Graceful stop (close standard input, the child stops its host); killed after 20 s.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    await KillAsync();
                }
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
