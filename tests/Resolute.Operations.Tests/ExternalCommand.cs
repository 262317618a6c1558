using System.Diagnostics;
using System.Text;

namespace Resolute.Operations.Tests;

/// <summary>Runs a program to its end, its output captured, killed (with its children) if it outlives the timeout.</summary>
internal static class ExternalCommand
{
    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var output = new StringBuilder();
        var errors = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(errors, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not end within {timeout}.\n{Read(output)}\n{Read(errors)}");
        }

        // The asynchronous readers have seen the end of both streams once WaitForExit without a timeout returns.
        process.WaitForExit();
        return new CommandResult(process.ExitCode, Read(output), Read(errors), clock.Elapsed);
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.AppendLine(line);
        }
    }

    private static string Read(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}

/// <summary>How a command ended.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Errors, TimeSpan Took)
{
    public override string ToString() => $"exit code {ExitCode} after {Took.TotalSeconds:0.0} s\n--- stdout\n{Output}\n--- stderr\n{Errors}";
}
