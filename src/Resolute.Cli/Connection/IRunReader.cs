using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Cli.Connection;

/// <summary>Reads runs for <c>status</c>, <c>runs</c> and <c>history</c>: from the orchestrator over the broker, or from the saga database (<c>--db</c>).</summary>
internal interface IRunReader : IAsyncDisposable
{
    /// <summary>Where the runs are read from, without credentials, for messages.</summary>
    string Source { get; }

    /// <summary>The run, or null when there is no such run.</summary>
    Task<FlowRunSnapshot?> GetRunAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>One page of runs, newest first.</summary>
    Task<FlowRunPage> ListRunsAsync(FlowRunQuery query, CancellationToken cancellationToken);
}

/// <summary>Opens the saga database for the read commands (<c>--db</c>).</summary>
internal interface IRunReaderFactory
{
    /// <summary>Opens <see cref="ConnectionSettings.Database"/> and checks it can be reached within the connect timeout.</summary>
    /// <exception cref="CliException">The database cannot be reached (exit code <see cref="ExitCodes.CannotConnect"/>).</exception>
    Task<IRunReader> OpenDatabaseAsync(ConnectionSettings settings, CancellationToken cancellationToken);
}
