using System.Diagnostics;

namespace Resolute.Hosting.Tests;

/// <summary>
/// Fault injection lives in the test host only: a production host — the main job's sample, built on
/// <c>Resolute.Hosting</c> alone — with <c>RESOLUTE_TEST_FAULT</c> set runs its flow to the end as if it were unset.
/// </summary>
[Trait("Area", "Hosting")]
public sealed class TestFaultVariableScenario : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("resolute-fault-variable-").FullName;

    [Fact]
    public async Task A_production_host_ignores_RESOLUTE_TEST_FAULT()
    {
        // Both would end or fail the orchestrator at its first saga commit if anything in the product read the variable.
        var sample = Path.Combine(
            ReadmeSnippetTests.FindRepositoryRoot(), "src", "Samples", "Resolute.Samples.EnrichIssues", "bin",
            new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0", "Resolute.Samples.EnrichIssues.dll");
        Assert.True(File.Exists(sample), $"{sample} is not built");
        var start = new ProcessStartInfo("dotnet", [sample])
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["RESOLUTE_TEST_FAULT"] = "crash-before-commit:1,throw-after-commit:1" },
        };

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(deadline.Token);

        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}\n{await output}\n{await errors}");
        Assert.Contains("Parallel step 'enrich-sources'", await output, StringComparison.Ordinal);
        Assert.DoesNotContain("RESOLUTE_TEST_FAULT", await errors, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
