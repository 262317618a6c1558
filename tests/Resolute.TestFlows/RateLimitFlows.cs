namespace Resolute.TestFlows;

/// <summary>The rate-limit scenarios' flows: one limited node each, sleeping <see cref="SleepRequest.SleepMs"/>.</summary>
public static class RateLimitFlows
{
    /// <summary>One node <c>limited</c> with its own limit of 5 per second.</summary>
    public const string FivePerSecond = "rate-limited-5-per-second";

    /// <summary>One node <c>call-a</c> drawing from the shared limiter <see cref="SharedLimiter"/> (10 per second).</summary>
    public const string SharedA = "shared-limit-a";

    /// <summary>One node <c>call-b</c> drawing from the same shared limiter, in another flow.</summary>
    public const string SharedB = "shared-limit-b";

    /// <summary>One node <c>own-a</c> with its own 5 per second.</summary>
    public const string SeparateA = "separate-limit-a";

    /// <summary>One node <c>own-b</c> with its own 5 per second.</summary>
    public const string SeparateB = "separate-limit-b";

    /// <summary>The same node as <see cref="FivePerSecond"/>, without a limit: the baseline of the dispatch latency.</summary>
    public const string Unlimited = "rate-unlimited";

    /// <summary>A node limited to 1000 per second: never waits at the rates the tests start runs at, so it shows what the gate itself costs.</summary>
    public const string NeverWaiting = "rate-limited-never-waiting";

    /// <summary>The limiter <see cref="SharedA"/> and <see cref="SharedB"/> share.</summary>
    public static RateLimiter SharedLimiter { get; } = RateLimiter.Shared("test-external-api", 10, TimeSpan.FromSeconds(1));

    /// <summary>Every flow of this file.</summary>
    public static IReadOnlyList<Flow> All { get; } =
    [
        Single(FivePerSecond, Sleeping("limited").WithRateLimit(5, TimeSpan.FromSeconds(1))),
        Single(SharedA, Sleeping("call-a").WithSharedRateLimit(SharedLimiter)),
        Single(SharedB, Sleeping("call-b").WithSharedRateLimit(SharedLimiter)),
        Single(SeparateA, Sleeping("own-a").WithRateLimit(5, TimeSpan.FromSeconds(1))),
        Single(SeparateB, Sleeping("own-b").WithRateLimit(5, TimeSpan.FromSeconds(1))),
        Single(Unlimited, Sleeping("limited")),
        Single(NeverWaiting, Sleeping("limited").WithRateLimit(1000, TimeSpan.FromSeconds(1))),
    ];

    private static Flow Single(string name, Node node) => Flow.Create(name).TriggeredBy(Trigger.Manual("api")).Then(node).Build();

    private static Node<SleepRequest, SleepResult> Sleeping(string name) =>
        Node.Create<SleepRequest, SleepResult>(name, async (SleepRequest request, NodeContext context) =>
        {
            await Task.Delay(request.SleepMs, context.CancellationToken).ConfigureAwait(false);
            return new SleepResult(name, request.SleepMs);
        });
}
