using Resolute.Contracts;
using Resolute.Samples.MultiApiCalls;

namespace Resolute.Samples;

internal sealed class MultiApiCallsSample : ISample
{
    public string Name => MultiApiCallsFlow.Name;

    public string Summary => "three API calls in parallel, each with its own timeout and retry; flaky-api succeeds on a later attempt";

    public IReadOnlyList<SampleOption> Options { get; } = [new("flaky-failures", "N", "attempts of flaky-api that fail before one succeeds (0 to 5; default 2)")];

    public Flow Build(SimulatedWork work, SampleArguments args)
    {
        _ = FlakyFailures(args);
        return MultiApiCallsFlow.Build(work);
    }

    public async Task<SampleVerdict> RunAsync(SampleSession session, SampleArguments args, CancellationToken cancellationToken)
    {
        var failures = FlakyFailures(args);
        var run = await session.RunAsync(Name, new ApiQuery("q", failures), $"with flaky-api failing {failures} time(s)", cancellationToken);
        session.Line();
        foreach (var node in run.History.Where(e => e.NodeName == "flaky-api").OrderBy(e => e.Attempt))
        {
            session.Line($"  flaky-api attempt {node.Attempt}: {node.Outcome}{(node.Error is null ? "" : $" ({node.Error.Message})")}, dispatched {node.DispatchedAt:HH:mm:ss.fff}");
        }

        if (run.Status != RunStatus.Completed)
        {
            return SampleVerdict.Expect(false, $"the run completes (it ended {run.Status})");
        }

        var flaky = run.State.Get<ApiAnswer>("flaky-api");
        foreach (var node in new[] { "fast-api", "slow-api", "flaky-api" })
        {
            var answer = run.State.Get<ApiAnswer>(node);
            session.Line($"  {node}: {answer.Result} on attempt {answer.Attempt}");
        }

        return SampleVerdict.Expect(flaky.Attempt == failures + 1, $"completed; flaky-api succeeded on attempt {failures + 1}, retried by its own policy");
    }

    private static int FlakyFailures(SampleArguments args) => args.Int("flaky-failures", 2, 0, 5);
}
