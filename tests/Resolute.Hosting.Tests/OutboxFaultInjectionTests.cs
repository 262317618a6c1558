using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.TestHost;

namespace Resolute.Hosting.Tests;

/// <summary>The test host's parser of RESOLUTE_TEST_FAULT (fault injection for crash tests of real processes; compiled in from tests/Resolute.TestHost).</summary>
[Trait("Area", "Durability")]
public sealed class OutboxFaultInjectionTests
{
    private static readonly OutboxMessage Row = new() { MessageType = "Resolute.Contracts.ExecuteNode" };

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_value_injects_nothing(string? value) => Assert.Null(OutboxFaultInjection.Parse(value));

    [Theory]
    [InlineData("crash-after-commit")]
    [InlineData("crash-after-commit:0")]
    [InlineData("crash-after-commit:x")]
    [InlineData("explode-after-commit:2")]
    [InlineData("crash-after-commit:2,nonsense")]
    public void A_malformed_value_is_refused_with_the_variable_and_the_expected_form(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => OutboxFaultInjection.Parse(value));

        Assert.Contains(OutboxFaultInjection.Variable, error.Message, StringComparison.Ordinal);
        Assert.Contains("crash-after-commit:5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crash_after_commit_ends_the_process_at_the_Nth_commit_with_messages_only()
    {
        var crashes = new List<string>();
        var hook = OutboxFaultInjection.Parse("crash-after-commit:3", crashes.Add)!;

        for (var i = 0; i < 5; i++)
        {
            // Commits without messages and the other point do not count.
            await hook.ObserveAsync(new OutboxObservation(OutboxPoint.AfterCommitBeforeDelivery, []));
            await hook.ObserveAsync(new OutboxObservation(OutboxPoint.BeforeCommit, [Row]));
            await hook.ObserveAsync(new OutboxObservation(OutboxPoint.AfterCommitBeforeDelivery, [Row]));
            Assert.Equal(i >= 2 ? 1 : 0, crashes.Count);
        }

        Assert.Contains("crash-after-commit:3", crashes.Single(), StringComparison.Ordinal);
        Assert.Contains("ExecuteNode", crashes.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throw_before_commit_throws_once_at_the_Nth_transaction_and_entries_combine()
    {
        var crashes = new List<string>();
        var hook = OutboxFaultInjection.Parse(" throw-before-commit:2 , throw-after-commit:1 ", crashes.Add)!;

        await hook.ObserveAsync(new OutboxObservation(OutboxPoint.BeforeCommit, [Row]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => hook.ObserveAsync(new OutboxObservation(OutboxPoint.BeforeCommit, [Row])));
        await hook.ObserveAsync(new OutboxObservation(OutboxPoint.BeforeCommit, [Row]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => hook.ObserveAsync(new OutboxObservation(OutboxPoint.AfterCommitBeforeDelivery, [Row])));
        await hook.ObserveAsync(new OutboxObservation(OutboxPoint.AfterCommitBeforeDelivery, [Row]));

        Assert.Empty(crashes);
    }
}
