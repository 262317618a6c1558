using Resolute.Contracts;

namespace Resolute.Client;

/// <summary>A run as the client sees it: the orchestrator's snapshot plus a typed <see cref="FlowState"/>.</summary>
public sealed class FlowRunDescription
{
    private FlowState? _state;

    /// <summary>Wraps a snapshot.</summary>
    public FlowRunDescription(FlowRunSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Snapshot = snapshot;
    }

    /// <summary>The raw snapshot.</summary>
    public FlowRunSnapshot Snapshot { get; }

    /// <summary>The run id.</summary>
    public Guid RunId => Snapshot.RunId;

    /// <summary>The flow.</summary>
    public string FlowName => Snapshot.FlowName;

    /// <summary>The flow version the run follows (it keeps it to its end, across upgrades).</summary>
    public string FlowVersion => Snapshot.FlowVersion;

    /// <summary>The status.</summary>
    public RunStatus Status => Snapshot.Status;

    /// <summary>True once the run has ended.</summary>
    public bool HasEnded => Status.HasEnded();

    /// <summary>The step running now, or the last one.</summary>
    public string? CurrentStep => Snapshot.CurrentStep;

    /// <summary>The original error of a failed run.</summary>
    public RunError? Error => Snapshot.Error;

    /// <summary>The run's OpenTelemetry trace id, to open it in Jaeger (<c>/trace/{id}</c>); null when it was not traced.</summary>
    public string? TraceId => Snapshot.TraceId;

    /// <summary>Every node execution.</summary>
    public IReadOnlyList<NodeExecutionRecord> History => Snapshot.History;

    /// <summary>The run's state: node outputs by key, and the run input.</summary>
    public FlowState State => _state ??= string.IsNullOrEmpty(Snapshot.StateJson) ? new FlowState() : FlowState.FromJson(Snapshot.StateJson);

    /// <inheritdoc />
    public override string ToString() =>
        $"run {RunId} of '{FlowName}': {Status}{(CurrentStep is null ? "" : $" at '{CurrentStep}'")}{(Error is null ? "" : $" — {Error}")}";
}
