namespace Resolute.Cli.Tests;

/// <summary>The input of every test flow.</summary>
public sealed record Ticket(string Id);

/// <summary>
/// The flows the CLI tests run. <c>cli-fan</c>: two nodes in parallel (each busy for a moment, so their bars overlap),
/// then <c>flaky</c>, which fails its first attempt and is retried. <c>cli-undo</c>: the same, then <c>boom</c>, which
/// always fails, so <c>left</c> is compensated by <c>undo-left</c>. <c>cli-slow</c>: one node that runs until
/// cancelled. <c>cli-scheduled</c>: a yearly cron schedule.
/// </summary>
public sealed class CliFlows
{
    private static readonly RetryPolicy QuickRetry = new() { InitialInterval = TimeSpan.FromMilliseconds(50), BackoffCoefficient = 1.0, MaximumAttempts = 3 };

    public CliFlows()
    {
        Fan = Build("cli-fan", fails: false);
        Undo = Build("cli-undo", fails: true);
        Slow = Flow.Create("cli-slow").TriggeredBy(Trigger.Manual())
            .Then(Node.Create<Ticket, string>("wait", async (ticket, cancellationToken) =>
            {
                // The workload of the node: it runs until the run is cancelled (the test cancels it long before a minute).
                await Task.Delay(TimeSpan.FromMinutes(1), cancellationToken);
                return ticket.Id;
            }))
            .Build();
        Scheduled = Flow.Create("cli-scheduled").TriggeredBy(Trigger.Schedule("0 0 1 1 *"))
            .Then(Node.Create<Ticket, string>("tick", (ticket, _) => Task.FromResult("tick")))
            .Build();
    }

    public Flow Fan { get; }

    public Flow Undo { get; }

    public Flow Slow { get; }

    public Flow Scheduled { get; }

    public IReadOnlyList<Flow> All => [Fan, Undo, Slow, Scheduled];

    private static Flow Build(string name, bool fails)
    {
        var left = Node.Create<Ticket, string>("left", async (ticket, cancellationToken) =>
            {
                // Busy long enough that the chart shows left and right side by side.
                await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
                return $"left {ticket.Id}";
            })
            .OnError(Node.Create<string, string>("undo-left", (left, _) => Task.FromResult($"undone {left}")).WithInput(s => s.Get<string>("left")));
        var right = Node.Create<Ticket, string>("right", async (ticket, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
            return $"right {ticket.Id}";
        });
        var flaky = Node.Create<Ticket, string>("flaky", (Ticket ticket, NodeContext context) =>
                context.Attempt == 1 ? throw new InvalidOperationException("first attempts of flaky fail") : Task.FromResult($"flaky {ticket.Id}"))
            .WithRetry(QuickRetry);
        var flow = Flow.Create(name).TriggeredBy(Trigger.Manual())
            .ThenParallel("fan", left, right)
            .Then(flaky);
        if (fails)
        {
            flow = flow.Then(Node.Create<Ticket, string>("boom", (ticket, _) => throw new NonRetryableException($"boom for {ticket.Id}")));
        }

        return flow.Build();
    }
}
