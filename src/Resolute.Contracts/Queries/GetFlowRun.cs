namespace Resolute.Contracts;

/// <summary>Request: the current snapshot of a run. Answered with <see cref="FlowRunSnapshot"/> or <see cref="FlowRunNotFound"/>.</summary>
public sealed record GetFlowRun
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }
}

/// <summary>Response: no run with that id exists (yet).</summary>
public sealed record FlowRunNotFound
{
    /// <summary>The run asked for.</summary>
    public required Guid RunId { get; init; }
}
