using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Hosting.Tests;

/// <summary>The test-support parser of RESOLUTE_TEST_FAULT (fault injection for crash tests of real processes).</summary>
[Trait("Area", "Durability")]
public sealed class ResoluteTestFaultsTests
{
    private static readonly OutboxMessage Row = new() { MessageType = "Resolute.Contracts.ExecuteNode" };

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_value_injects_nothing(string? value) => Assert.Null(ResoluteTestFaults.Parse(value));

    [Theory]
    [InlineData("crash-after-commit")]
    [InlineData("crash-after-commit:0")]
    [InlineData("crash-after-commit:x")]
    [InlineData("explode-after-commit:2")]
    [InlineData("crash-after-commit:2,nonsense")]
    public void A_malformed_value_is_refused_with_the_variable_and_the_expected_form(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ResoluteTestFaults.Parse(value));

        Assert.Contains(ResoluteTestFaults.Variable, error.Message, StringComparison.Ordinal);
        Assert.Contains("crash-after-commit:5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crash_after_commit_ends_the_process_at_the_Nth_commit_with_messages_only()
    {
        var crashes = new List<string>();
        var hook = ResoluteTestFaults.Parse("crash-after-commit:3", crashes.Add)!;

        for (var i = 0; i < 5; i++)
        {
            // Commits without messages and the other point do not count.
            await hook(new OutboxFaultContext(OutboxFaultPoint.AfterCommitBeforeDelivery, []));
            await hook(new OutboxFaultContext(OutboxFaultPoint.BeforeCommit, [Row]));
            await hook(new OutboxFaultContext(OutboxFaultPoint.AfterCommitBeforeDelivery, [Row]));
            Assert.Equal(i >= 2 ? 1 : 0, crashes.Count);
        }

        Assert.Contains("crash-after-commit:3", crashes.Single(), StringComparison.Ordinal);
        Assert.Contains("ExecuteNode", crashes.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throw_before_commit_throws_once_at_the_Nth_transaction_and_entries_combine()
    {
        var crashes = new List<string>();
        var hook = ResoluteTestFaults.Parse(" throw-before-commit:2 , throw-after-commit:1 ", crashes.Add)!;

        await hook(new OutboxFaultContext(OutboxFaultPoint.BeforeCommit, [Row]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => hook(new OutboxFaultContext(OutboxFaultPoint.BeforeCommit, [Row])));
        await hook(new OutboxFaultContext(OutboxFaultPoint.BeforeCommit, [Row]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => hook(new OutboxFaultContext(OutboxFaultPoint.AfterCommitBeforeDelivery, [Row])));
        await hook(new OutboxFaultContext(OutboxFaultPoint.AfterCommitBeforeDelivery, [Row]));

        Assert.Empty(crashes);
    }

    [Fact]
    public async Task Combine_calls_both_hooks_in_order()
    {
        var calls = new List<string>();
        Func<OutboxFaultContext, Task> first = _ =>
        {
            calls.Add("first");
            return Task.CompletedTask;
        };
        Func<OutboxFaultContext, Task> second = _ =>
        {
            calls.Add("second");
            return Task.CompletedTask;
        };

        Assert.Same(first, ResoluteTestFaults.Combine(first, null));
        Assert.Same(second, ResoluteTestFaults.Combine(null, second));
        await ResoluteTestFaults.Combine(first, second)!(new OutboxFaultContext(OutboxFaultPoint.BeforeCommit, []));

        Assert.Equal(["first", "second"], calls);
    }
}
