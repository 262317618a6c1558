using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Cli.Connection;

/// <summary>Reads runs by asking the orchestrator over the broker.</summary>
internal sealed class BrokerRunReader(IBrokerSession session) : IRunReader
{
    /// <inheritdoc />
    public string Source => $"the orchestrator via RabbitMQ at {session.Address}";

    /// <inheritdoc />
    public async Task<FlowRunSnapshot?> GetRunAsync(Guid runId, CancellationToken cancellationToken) =>
        (await session.Client.GetRunAsync(runId, cancellationToken).ConfigureAwait(false))?.Snapshot;

    /// <inheritdoc />
    public Task<FlowRunPage> ListRunsAsync(FlowRunQuery query, CancellationToken cancellationToken) =>
        session.Client.ListRunsAsync(query, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => session.DisposeAsync();
}
