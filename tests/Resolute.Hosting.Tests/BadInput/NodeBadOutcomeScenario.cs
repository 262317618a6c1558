using Resolute.Contracts;

namespace Resolute.Hosting.Tests.BadInput;

/// <summary>
/// Node code that misbehaves on a real worker (embedded: in-memory transport, SQLite): exceptions that say little
/// (empty or null message, several at once, a cancellation nobody asked for), output that
/// cannot be serialised or is over the worker's limit, a compensation that throws. Each ends its run with an error
/// naming the node and saying what happened; a healthy run of the same flow at the same time completes.
/// </summary>
[Trait("Area", "BadInput")]
public sealed class NodeBadOutcomeScenario : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _database = SqliteFiles.NewPath();

    public static TheoryData<string, string, string[]> Throws => new()
    {
        { "empty-message", "System.InvalidOperationException", ["Node 'misbehave' threw System.InvalidOperationException with no message", "Give the exception a message"] },
        { "null-message", typeof(NullMessageException).FullName!, ["Node 'misbehave' threw", "with no message"] },
        { "aggregate", "System.AggregateException", ["2 errors at once (AggregateException):", "[1] System.InvalidOperationException: stock service down", "[2] System.TimeoutException: pricing timed out"] },
        { "self-cancelled", "System.Threading.Tasks.TaskCanceledException", ["Node 'misbehave' threw System.Threading.Tasks.TaskCanceledException", "although its timeout (00:05:00) had not passed and its run was not cancelled", "Pass NodeContext.CancellationToken"] },
    };

    [Theory]
    [MemberData(nameof(Throws))]
    public async Task A_node_exception_that_says_little_becomes_an_error_that_says_what_happened(string kind, string type, string[] phrases)
    {
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(MisbehavingFlow()));
        var bad = await host.Client.StartAsync(FlowName, kind);
        var good = await host.Client.StartAsync(FlowName, "ok");

        var badRun = await host.Client.WaitForCompletionAsync(bad, Patience);
        var goodRun = await host.Client.WaitForCompletionAsync(good, Patience);

        Assert.Equal(RunStatus.Failed, badRun.Status);
        var error = badRun.Error!;
        Assert.Equal("misbehave", error.NodeName);
        Assert.Equal(type, error.Error.Type);
        Assert.All(phrases, p => Assert.Contains(p, error.Error.Message, StringComparison.Ordinal));
        Assert.Equal(NodeExecutionOutcome.Failed, Assert.Single(badRun.History).Outcome);
        Assert.Equal(RunStatus.Completed, goodRun.Status);
        Assert.Equal("fine", goodRun.State.Get<Report>("misbehave").Text);
    }

    [Theory]
    [InlineData("cyclic-output", "A possible object cycle was detected")]
    [InlineData("throwing-getter", "the total is not known yet")]
    public async Task Output_that_cannot_be_serialised_fails_the_node_with_InvalidOutput_without_retry(string kind, string cause)
    {
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(MisbehavingFlow(retries: 3)));
        var bad = await host.Client.StartAsync(FlowName, kind);
        var good = await host.Client.StartAsync(FlowName, "ok");

        var badRun = await host.Client.WaitForCompletionAsync(bad, Patience);
        var goodRun = await host.Client.WaitForCompletionAsync(good, Patience);

        Assert.Equal(RunStatus.Failed, badRun.Status);
        Assert.Equal(ErrorTypes.InvalidOutput, badRun.Error!.Error.Type);
        Assert.StartsWith("The output of node 'misbehave' (Report) could not be serialised to JSON:", badRun.Error.Error.Message, StringComparison.Ordinal);
        Assert.Contains(cause, badRun.Error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Return plain data", badRun.Error.Error.Message, StringComparison.Ordinal);
        Assert.Single(badRun.History);
        Assert.Equal(RunStatus.Completed, goodRun.Status);
    }

    [Fact]
    public async Task Output_over_the_workers_MaxPayloadBytes_fails_the_node_with_PayloadTooLarge_without_retry()
    {
        await using var host = await EmbeddedHost.StartAsync(_database, r => r
            .AddFlow(MisbehavingFlow(retries: 3))
            .ConfigureWorker(w => w.MaxPayloadBytes = 2_000));
        var bad = await host.Client.StartAsync(FlowName, "large-output");
        var good = await host.Client.StartAsync(FlowName, "ok");

        var badRun = await host.Client.WaitForCompletionAsync(bad, Patience);
        var goodRun = await host.Client.WaitForCompletionAsync(good, Patience);

        Assert.Equal(RunStatus.Failed, badRun.Status);
        Assert.Equal(ErrorTypes.PayloadTooLarge, badRun.Error!.Error.Type);
        Assert.Contains("Node 'misbehave' returned", badRun.Error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("the limit is 2000 bytes", badRun.Error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Return a reference", badRun.Error.Error.Message, StringComparison.Ordinal);
        Assert.Single(badRun.History);
        Assert.Equal(RunStatus.Completed, goodRun.Status);
    }

    [Fact]
    public async Task A_compensation_that_throws_ends_the_run_CompensationFailed_with_both_errors()
    {
        var reserve = Node.Create<string, string>("reserve", (kind, _) => Task.FromResult(kind))
            .OnError(Node.Create<string, string>("release", (_, _) => throw new InvalidOperationException("release endpoint returned 500"))
                .WithInput(s => s.Get<string>("reserve"))
                .WithRetry(new RetryPolicy { MaximumAttempts = 1 }));
        var charge = Node.Create<string, string>("charge", (kind, _) => kind == "bad" ? throw new InvalidOperationException("card declined") : Task.FromResult("charged"))
            .WithRetry(new RetryPolicy { MaximumAttempts = 1 });
        var flow = Flow.Create("compensating").TriggeredBy(Trigger.Manual()).Then(reserve).Then(charge).Build();
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow));
        var bad = await host.Client.StartAsync("compensating", "bad");
        var good = await host.Client.StartAsync("compensating", "good");

        var badRun = await host.Client.WaitForCompletionAsync(bad, Patience);
        var goodRun = await host.Client.WaitForCompletionAsync(good, Patience);

        Assert.Equal(RunStatus.CompensationFailed, badRun.Status);
        Assert.Equal("charge", badRun.Error!.NodeName);
        Assert.Contains("card declined", badRun.Error.Error.Message, StringComparison.Ordinal);
        var compensation = Assert.Single(badRun.Snapshot.CompensationErrors);
        Assert.Equal("release", compensation.NodeName);
        Assert.Equal("System.InvalidOperationException", compensation.Error.Type);
        Assert.Contains("release endpoint returned 500", compensation.Error.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Completed, goodRun.Status);
    }

    public void Dispose() => SqliteFiles.Delete(_database);

    private const string FlowName = "misbehaving";

    private static Flow MisbehavingFlow(int retries = 1) => Flow.Create(FlowName).TriggeredBy(Trigger.Manual())
        .Then(Node.Create<string, Report>("misbehave", Misbehave).WithRetry(new RetryPolicy { MaximumAttempts = retries, InitialInterval = TimeSpan.FromMilliseconds(10) }))
        .Build();

    private static async Task<Report> Misbehave(string kind, NodeContext context)
    {
        await Task.Yield();
        switch (kind)
        {
            case "empty-message":
                throw new InvalidOperationException("");
            case "null-message":
                throw new NullMessageException();
            case "aggregate":
                throw new AggregateException(new InvalidOperationException("stock service down"), new TimeoutException("pricing timed out"));
            case "self-cancelled":
                using (var own = new CancellationTokenSource())
                {
                    await own.CancelAsync();
                    await Task.Delay(TimeSpan.FromSeconds(30), own.Token);
                }

                break;
            case "cyclic-output":
                var report = new Report("cycle");
                report.Related = report;
                return report;
            case "throwing-getter":
                return new Report("unfinished") { Extra = new UnfinishedTotal() };
            case "large-output":
                return new Report(new string('x', 5_000));
        }

        return new Report("fine");
    }

    public sealed class Report(string text)
    {
        public string Text { get; } = text;

        public Report? Related { get; set; }

        /// <summary>Serialised as its runtime type.</summary>
        public object? Extra { get; set; }
    }

    public sealed class UnfinishedTotal
    {
        public decimal? Known { get; init; }

        public decimal Total => Known ?? throw new InvalidOperationException("the total is not known yet");
    }

    public sealed class NullMessageException : Exception
    {
        public override string Message => null!;
    }
}
