// Sample "shared-rate-limit" — the seed's Use Shared Rate Limiters: call-1, call-2 and call-3 call the same API in one
// parallel step, drawing from one RateLimiter.Shared("external-api", 100, 1 minute), so their starts are spaced by
// 600 ms although they are dispatched together. The console prints the observed spacing of the starts.
//   dotnet run --project src/Samples/Resolute.Samples -- shared-rate-limit [--per-minute N]
namespace Resolute.Samples.SharedRateLimit;

/// <summary>Input of a <c>call-*</c> node: the page it fetches.</summary>
public sealed record CallInput(int Page);

/// <summary>Output of a <c>call-*</c> node.</summary>
public sealed record CallOutput(int Page, string Body);

/// <summary>Three nodes in one parallel step sharing one rate limiter.</summary>
public static class SharedRateLimitFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "shared-rate-limit";

    /// <summary>The name of the shared limiter.</summary>
    public const string LimiterName = "external-api";

    /// <summary>The seed's limit: 100 calls a minute.</summary>
    public const int DefaultPerMinute = 100;

    /// <summary>The nodes that share the limiter.</summary>
    public static IReadOnlyList<string> NodeNames { get; } = ["call-1", "call-2", "call-3"];

    /// <summary>Builds the flow.</summary>
    /// <param name="work">The simulated latencies and output (default: as written, silent).</param>
    /// <param name="perMinute">The shared limit, in calls a minute (default the seed's 100: one start every 600 ms).</param>
    public static Flow Build(SimulatedWork? work = null, int perMinute = DefaultPerMinute)
    {
        work ??= new SimulatedWork();

        // Create shared limiter for API
        var apiLimiter = RateLimiter.Shared(LimiterName, perMinute, TimeSpan.FromMinutes(1));
        var nodes = NodeNames
            .Select((name, i) => (Node)Node.Create<CallInput, CallOutput>(name, (input, ctx) => work.RunAsync(ctx, 100, () => new CallOutput(input.Page, $"page {input.Page} of the external API")), new CallInput(i + 1))
                .WithSharedRateLimit(apiLimiter))
            .ToArray();

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Manual("api"))
            .ThenParallel("api-calls", nodes)
            .Build();
    }

    /// <summary>The spacing the limit gives consecutive starts: a minute divided by <paramref name="perMinute"/>.</summary>
    public static TimeSpan Spacing(int perMinute) => TimeSpan.FromMinutes(1) / perMinute;
}
