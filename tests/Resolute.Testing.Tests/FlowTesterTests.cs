using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;

namespace Resolute.Testing.Tests;

/// <summary>Setting a tester up: overrides and injected failures are checked against the flow, class-based nodes get services.</summary>
[Trait("Area", "Testing")]
public sealed class FlowTesterTests
{
    private static readonly Flow TwoSteps = TestNodes.Manual("two-steps")
        .Then(TestNodes.Append("first").OnError(TestNodes.Undo("first")))
        .Then(TestNodes.After("second", "first"))
        .Build();

    [Fact]
    public void An_override_of_an_unknown_node_is_an_error_listing_the_flows_nodes()
    {
        var tester = new FlowTester(TwoSteps);

        var error = Assert.Throws<ArgumentException>(() => tester.Override("frist", (Text input, NodeContext context) => Task.FromResult(input)));

        Assert.Contains("flow 'two-steps' has no node 'frist'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'first', 'second', 'undo-first'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_with_other_types_than_the_nodes_is_an_error_naming_the_node_and_both_types()
    {
        var tester = new FlowTester(TwoSteps);

        var error = Assert.Throws<ArgumentException>(() => tester.Override("second", (string input, NodeContext context) => Task.FromResult(input.Length)));

        Assert.Contains("node 'second'", error.Message, StringComparison.Ordinal);
        Assert.Contains("takes String and returns Int32", error.Message, StringComparison.Ordinal);
        Assert.Contains("the node takes Text and returns Text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Injected_failures_are_checked_too()
    {
        var tester = new FlowTester(TwoSteps);

        Assert.Contains("FailOn(\"third\")", Assert.Throws<ArgumentException>(() => tester.FailOn("third", 1, new InvalidOperationException())).Message, StringComparison.Ordinal);
        Assert.Contains("FailAlways(\"third\")", Assert.Throws<ArgumentException>(() => tester.FailAlways("third")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => tester.FailOn("first", 0, new InvalidOperationException()));
    }

    [Fact]
    public async Task An_overridden_node_runs_the_override_with_the_input_the_engine_computed_and_its_output_goes_into_the_state()
    {
        var seen = new List<(string Input, int Attempt, string Key)>();
        var run = await new FlowTester(TwoSteps)
            .Override("second", (Text input, NodeContext context) =>
            {
                seen.Add((input.Value, context.Attempt, context.IdempotencyKey));
                return Task.FromResult(new Text("stubbed"));
            })
            .RunAsync(new Text("in"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(new Text("in+first"), run.State.Get<Text>("first"));
        Assert.Equal(new Text("stubbed"), run.State.Get<Text>("second"));
        var call = Assert.Single(seen);
        Assert.Equal(("in+first", 1, NodeContext.CreateIdempotencyKey(run.RunId, "second")), call);
    }

    [Fact]
    public async Task A_failing_compensation_ends_the_run_CompensationFailed()
    {
        var run = await new FlowTester(TwoSteps)
            .FailAlways("second", new NonRetryableException("no"))
            .FailAlways("undo-first", new NonRetryableException("cannot undo"))
            .RunAsync(new Text("in"));

        Assert.Equal(RunStatus.CompensationFailed, run.Status);
        Assert.Equal("second", run.Error?.NodeName);
        Assert.Equal("cannot undo", Assert.Single(run.CompensationErrors).Error.Message);
        Assert.Equal(["undo-first"], run.Compensations);
    }

    [Fact]
    public async Task A_class_based_node_without_services_is_an_error_before_the_run_starts()
    {
        var flow = TestNodes.Manual("di").Then(Node.Create<GreetNode, Text, Text>("greet")).Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new FlowTester(flow).RunAsync(new Text("Ada")));

        Assert.Contains("'greet' (GreetNode)", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConfigureServices", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_class_based_node_is_created_from_the_services_given_in_a_scope_per_attempt()
    {
        var flow = TestNodes.Manual("di").Then(Node.Create<GreetNode, Text, Text>("greet").WithRetry(TestNodes.Retry(2))).Build();
        var greeter = new Greeter("Hello");

        var run = await new FlowTester(flow)
            .ConfigureServices(services => services.AddSingleton(greeter).AddScoped<AttemptScope>())
            .FailOn("greet", 1, new InvalidOperationException("flaky"))
            .RunAsync(new Text("Ada"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(new Text("Hello, Ada"), run.State.Get<Text>("greet"));
        var scope = Assert.Single(greeter.Scopes);
        Assert.True(scope.Disposed);
    }

    [Fact]
    public async Task A_class_based_node_that_is_overridden_needs_no_services()
    {
        var flow = TestNodes.Manual("di").Then(Node.Create<GreetNode, Text, Text>("greet")).Build();

        var run = await new FlowTester(flow).Override("greet", (Text input, NodeContext context) => Task.FromResult(new Text("hi"))).RunAsync(new Text("Ada"));

        Assert.Equal(new Text("hi"), run.State.Get<Text>("greet"));
    }

    /// <summary>A service the class-based node needs.</summary>
    public sealed class Greeter(string greeting)
    {
        public string Greeting { get; } = greeting;

        public List<AttemptScope> Scopes { get; } = [];
    }

    /// <summary>A scoped service: one per attempt, disposed when the attempt ends.</summary>
    public sealed class AttemptScope : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    /// <summary>A class-based node.</summary>
    public sealed class GreetNode(Greeter greeter, AttemptScope scope) : INode<Text, Text>
    {
        public Task<Text> ExecuteAsync(Text input, NodeContext context)
        {
            greeter.Scopes.Add(scope);
            return Task.FromResult(new Text($"{greeter.Greeting}, {input.Value}"));
        }
    }
}
