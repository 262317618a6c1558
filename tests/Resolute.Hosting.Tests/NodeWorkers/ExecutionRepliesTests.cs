using Resolute.Contracts;
using Resolute.Workers;

namespace Resolute.Hosting.Tests.NodeWorkers;

/// <summary>The worker's memory of the replies it sent: claimed once, answered to copies, bounded by count and bytes.</summary>
[Trait("Area", "Durability")]
public sealed class ExecutionRepliesTests
{
    [Fact]
    public async Task A_second_claim_waits_for_the_first_runs_reply()
    {
        var replies = new ExecutionReplies(new WorkerOptions());
        var id = Guid.NewGuid();

        Assert.True(replies.TryBegin(id, out _));
        Assert.False(replies.TryBegin(id, out var earlier));
        Assert.False(earlier.IsCompleted);
        var reply = Reply(id, 10);
        replies.Remember(id, reply, 10);

        Assert.Same(reply, await earlier);
        Assert.False(replies.TryBegin(id, out var later));
        Assert.Same(reply, await later);
    }

    [Fact]
    public async Task A_run_that_ended_without_a_reply_lets_the_next_copy_run()
    {
        var replies = new ExecutionReplies(new WorkerOptions());
        var id = Guid.NewGuid();
        Assert.True(replies.TryBegin(id, out _));
        Assert.False(replies.TryBegin(id, out var waiting));

        replies.Forget(id);

        Assert.Null(await waiting);
        Assert.True(replies.TryBegin(id, out _));
    }

    [Fact]
    public async Task Forgetting_after_the_reply_was_remembered_keeps_it()
    {
        var replies = new ExecutionReplies(new WorkerOptions());
        var id = Guid.NewGuid();
        replies.TryBegin(id, out _);
        replies.Remember(id, Reply(id, 1), 1);

        replies.Forget(id);

        Assert.False(replies.TryBegin(id, out var earlier));
        Assert.True(earlier.IsCompletedSuccessfully);
        Assert.NotNull(await earlier);
    }

    [Fact]
    public void The_oldest_replies_are_forgotten_beyond_the_count()
    {
        var replies = new ExecutionReplies(new WorkerOptions { RememberedExecutions = 2 });
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            replies.TryBegin(id, out _);
            replies.Remember(id, Reply(id, 1), 1);
        }

        Assert.Equal(2, replies.Count);
        Assert.True(replies.TryBegin(ids[0], out _));
        Assert.False(replies.TryBegin(ids[2], out _));
    }

    [Fact]
    public void The_oldest_replies_are_forgotten_beyond_the_bytes_and_one_too_large_is_not_kept()
    {
        var replies = new ExecutionReplies(new WorkerOptions { RememberedReplyBytes = 100 });
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var huge = Guid.NewGuid();
        replies.TryBegin(first, out _);
        replies.Remember(first, Reply(first, 60), 60);
        replies.TryBegin(second, out _);
        replies.Remember(second, Reply(second, 60), 60);
        replies.TryBegin(huge, out _);
        replies.Remember(huge, Reply(huge, 101), 101);

        Assert.Equal(1, replies.Count);
        Assert.True(replies.TryBegin(first, out _));
        Assert.True(replies.TryBegin(huge, out _));
        Assert.False(replies.TryBegin(second, out _));
    }

    [Fact]
    public void With_no_memory_every_copy_runs()
    {
        var replies = new ExecutionReplies(new WorkerOptions { RememberedExecutions = 0 });
        var id = Guid.NewGuid();

        Assert.True(replies.TryBegin(id, out _));
        replies.Remember(id, Reply(id, 1), 1);

        Assert.True(replies.TryBegin(id, out _));
        Assert.Equal(0, replies.Count);
    }

    private static NodeCompleted Reply(Guid executionId, int size) => new()
    {
        RunId = Guid.NewGuid(),
        ExecutionId = executionId,
        NodeName = "n",
        Attempt = 1,
        OutputJson = new string('x', size),
    };
}
