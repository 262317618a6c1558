using Microsoft.Extensions.DependencyInjection;

namespace Resolute.Hosting.Tests;

/// <summary>Configuration mistakes fail at start-up with a message that says what to do.</summary>
[Trait("Area", "Definition")]
public sealed class AddResoluteValidationTests
{
    [Fact]
    public void No_flows_is_an_error_that_says_to_call_AddFlow()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddResolute(_ => { }));

        Assert.Contains("r.AddFlow(flow)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:5672")]
    [InlineData("http://localhost:15672/")]
    public void A_rabbitmq_address_that_is_not_amqp_is_rejected_with_an_example(string address)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddResolute(r => r.UseRabbitMq(address)));

        Assert.Contains("amqp://guest:guest@localhost:5672/", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_flow_name_with_two_definitions_is_rejected()
    {
        static Task<int> Identity(int value, NodeContext context) => Task.FromResult(value);
        var first = Flow.Create("f").TriggeredBy(Trigger.Manual()).Then(Node.Create<int, int>("a", Identity)).Build();
        var second = Flow.Create("f").TriggeredBy(Trigger.Manual()).Then(Node.Create<int, int>("b", Identity)).Build();

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddResolute(r => r.AddFlow(first).AddFlow(second)));

        Assert.Contains("registered twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_previous_flow_version_without_a_current_one_is_rejected()
    {
        static Task<int> Identity(int value, NodeContext context) => Task.FromResult(value);
        var previous = Flow.Create("retiring").TriggeredBy(Trigger.Manual()).Then(Node.Create<int, int>("a", Identity)).Build();
        var other = Flow.Create("other").TriggeredBy(Trigger.Manual()).Then(Node.Create<int, int>("a", Identity)).Build();

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddResolute(r => r.AddFlow(other).AddPreviousFlowVersion(previous)));

        Assert.Contains("'retiring'", error.Message, StringComparison.Ordinal);
        Assert.Contains("r.AddFlow", error.Message, StringComparison.Ordinal);
    }
}
