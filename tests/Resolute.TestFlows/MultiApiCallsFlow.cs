namespace Resolute.TestFlows;

/// <summary>Run input of <see cref="MultiApiCallsFlow"/>.</summary>
public sealed record ApiQuery(string Query);

/// <summary>Output of each API node: <c>{api}:{query}</c> and the attempt that produced it.</summary>
public sealed record ApiAnswer(string Api, string Result, int Attempt);

/// <summary>
/// The seed's "Configuration Options": one parallel step <c>multi-api-calls</c> whose nodes each have their own
/// timeout and retry policy — <c>fast-api</c> (30 s, 5 attempts), <c>slow-api</c> (5 min, 3 attempts), <c>flaky-api</c>
/// (1 min; 1 s initial interval, coefficient 2, 10 attempts). <c>flaky-api</c> throws on its first attempt and succeeds
/// on the second, so a run shows a real retry driven by the node's own policy.
/// </summary>
public static class MultiApiCallsFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "multi-api-calls";

    /// <summary>The message <c>flaky-api</c> throws on its first attempt.</summary>
    public const string FlakyMessage = "flaky-api is down on attempt 1";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Build();

    private static Flow Build() =>
        Flow.Create(Name)
            .TriggeredBy(Trigger.Manual("api"))
            .ThenParallel("multi-api-calls",
                Node.Create<ApiQuery, ApiAnswer>("fast-api", (ApiQuery q, NodeContext c) => Answer("fast", q, c))
                    .WithTimeout(TimeSpan.FromSeconds(30))
                    .WithRetry(new RetryPolicy { MaximumAttempts = 5 }),
                Node.Create<ApiQuery, ApiAnswer>("slow-api", SlowAsync)
                    .WithTimeout(TimeSpan.FromMinutes(5))
                    .WithRetry(new RetryPolicy { MaximumAttempts = 3 }),
                Node.Create<ApiQuery, ApiAnswer>("flaky-api", FlakyAsync)
                    .WithTimeout(TimeSpan.FromMinutes(1))
                    .WithRetry(new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 2.0, MaximumAttempts = 10 }))
            .Build();

    private static Task<ApiAnswer> Answer(string api, ApiQuery query, NodeContext context) =>
        Task.FromResult(new ApiAnswer(api, $"{api}:{query.Query}", context.Attempt));

    private static async Task<ApiAnswer> SlowAsync(ApiQuery query, NodeContext context)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(100), context.CancellationToken).ConfigureAwait(false);
        return new ApiAnswer("slow", $"slow:{query.Query}", context.Attempt);
    }

    private static Task<ApiAnswer> FlakyAsync(ApiQuery query, NodeContext context) =>
        context.Attempt == 1
            ? throw new InvalidOperationException(FlakyMessage)
            : Answer("flaky", query, context);
}
