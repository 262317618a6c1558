using System.Diagnostics;
using System.Text;

namespace Resolute.Operations.Tests;

/// <summary>
/// A program of the sample (the service, the start-publisher) started with <c>dotnet</c> from its own build output, as
/// its image starts it, with the environment given; its output kept for assertions and failure messages. Disposing
/// kills it if it still runs.
/// </summary>
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The build output folder of a sample project, built in this test run's configuration.</summary>
    public static string BuildOutput(string project) => RepositoryFiles.PathOf(
        "src", "Samples", project, "bin", new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0");

    public static SampleProcess Start(string name, string project, IReadOnlyDictionary<string, string?> environment)
    {
        var folder = BuildOutput(project);
        var dll = Path.Combine(folder, project + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built.");
        }

        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = start };
        var sample = new SampleProcess(name, process);
        process.OutputDataReceived += (_, e) => sample.Append(e.Data);
        process.ErrorDataReceived += (_, e) => sample.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sample;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    public override string ToString() => $"--- {Name} ({(HasExited ? $"exited {_process.ExitCode}" : "running")})\n{Output}";

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
