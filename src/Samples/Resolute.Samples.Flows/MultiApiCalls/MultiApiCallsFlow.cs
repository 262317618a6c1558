// Sample "multi-api-calls" — the seed's Configuration Options: one parallel step whose nodes each have their own timeout
// and retry policy. flaky-api fails its first attempts (the run input's FlakyFailures, default 1; console:
// --flaky-failures N) and succeeds on the next one, retried by its own policy (1 s, then ×2).
//   dotnet run --project src/Samples/Resolute.Samples -- multi-api-calls [--flaky-failures N]
namespace Resolute.Samples.MultiApiCalls;

/// <summary>Run input: the query every API answers, and how many attempts of <c>flaky-api</c> fail before one succeeds.</summary>
public sealed record ApiQuery(string Query, int FlakyFailures = 1);

/// <summary>Output of each API node: <c>{api}:{query}</c> and the attempt that produced it.</summary>
public sealed record ApiAnswer(string Api, string Result, int Attempt);

/// <summary>
/// One parallel step <c>multi-api-calls</c>: <c>fast-api</c> (timeout 30 s, 5 attempts), <c>slow-api</c> (5 min, 3
/// attempts), <c>flaky-api</c> (1 min; 1 s initial interval, coefficient 2, 10 attempts).
/// </summary>
public static class MultiApiCallsFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "multi-api-calls";

    /// <summary>The retry policy of <c>flaky-api</c>, as in the seed.</summary>
    public static RetryPolicy FlakyRetry { get; } = new() { InitialInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 2.0, MaximumAttempts = 10 };

    /// <summary>The message <c>flaky-api</c> throws on a failing <paramref name="attempt"/>.</summary>
    public static string FlakyMessage(int attempt) => $"flaky-api is down on attempt {attempt}";

    /// <summary>Builds the flow; <paramref name="work"/> sets the simulated latencies and output (default: as written, silent).</summary>
    public static Flow Build(SimulatedWork? work = null)
    {
        work ??= new SimulatedWork();
        return Flow.Create(Name)
            .TriggeredBy(Trigger.Manual("api"))
            .ThenParallel("multi-api-calls",
                Node.Create<ApiQuery, ApiAnswer>("fast-api", (q, ctx) => work.RunAsync(ctx, 50, () => Answer("fast", q, ctx)))
                    .WithTimeout(TimeSpan.FromSeconds(30))
                    .WithRetry(new RetryPolicy { MaximumAttempts = 5 }),
                Node.Create<ApiQuery, ApiAnswer>("slow-api", (q, ctx) => work.RunAsync(ctx, 2000, () => Answer("slow", q, ctx)))
                    .WithTimeout(TimeSpan.FromMinutes(5))
                    .WithRetry(new RetryPolicy { MaximumAttempts = 3 }),
                Node.Create<ApiQuery, ApiAnswer>("flaky-api", (q, ctx) => work.RunAsync(ctx, 300, () => Flaky(q, ctx)))
                    .WithTimeout(TimeSpan.FromMinutes(1))
                    .WithRetry(FlakyRetry))
            .Build();
    }

    private static ApiAnswer Answer(string api, ApiQuery query, NodeContext context) => new(api, $"{api}:{query.Query}", context.Attempt);

    private static ApiAnswer Flaky(ApiQuery query, NodeContext context) =>
        context.Attempt <= query.FlakyFailures
            ? throw new InvalidOperationException(FlakyMessage(context.Attempt))
            : Answer("flaky", query, context);
}
