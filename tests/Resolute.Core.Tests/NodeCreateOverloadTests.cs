namespace Resolute.Tests;

[Trait("Area", "Definition")]
public sealed class NodeCreateOverloadTests
{
    [Fact]
    public async Task Lambda_that_fits_both_overloads_binds_to_the_NodeContext_overload()
    {
        // Without the priority this line is error CS0121 (ambiguous call).
        var node = Node.Create<int, int>("double", (input, _) => Task.FromResult(input * 2));
        var context = new NodeContext(Guid.NewGuid(), "flow", "double", 1, "key", CancellationToken.None);

        Assert.Equal(42, await node.ExecuteAsync(21, context));
    }

    [Fact]
    public async Task Lambda_using_the_token_binds_to_the_token_overload()
    {
        var node = Node.Create<int, int>("token", (input, token) =>
        {
            token.ThrowIfCancellationRequested();
            return Task.FromResult(input + 1);
        });
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var context = new NodeContext(Guid.NewGuid(), "flow", "token", 1, "key", cancelled.Token);

        await Assert.ThrowsAsync<OperationCanceledException>(() => node.ExecuteAsync(1, context));
    }
}
