namespace Resolute.Contracts;

/// <summary>
/// The error types the engine itself reports in <see cref="ErrorInfo.Type"/> (besides the .NET exception types of node
/// code). One list, used by the orchestrator, the workers and the tests, so that a caller can match on them.
/// </summary>
public static class ErrorTypes
{
    /// <summary>No flow of that name is registered with the orchestrator.</summary>
    public const string UnknownFlow = "Resolute.UnknownFlow";

    /// <summary>The worker knows the flow but not the node.</summary>
    public const string UnknownNode = "Resolute.UnknownNode";

    /// <summary>The run follows a flow version the orchestrator does not have.</summary>
    public const string FlowVersionMismatch = "Resolute.FlowVersionMismatch";

    /// <summary>
    /// A worker of the node's queue does not have the run's flow version (a rolling upgrade in progress, or the version
    /// was never deployed to the workers): the attempt waits for a worker that has it, it does not fail.
    /// </summary>
    public const string FlowVersionUnavailable = "Resolute.FlowVersionUnavailable";

    /// <summary>The run input (or a node input taken from it) is not valid JSON or not of the expected shape.</summary>
    public const string InvalidInput = "Resolute.InvalidInput";

    /// <summary>A node returned output that is not valid JSON.</summary>
    public const string InvalidOutput = "Resolute.InvalidOutput";

    /// <summary>An input or output is larger than <c>MaxPayloadBytes</c>.</summary>
    public const string PayloadTooLarge = "Resolute.PayloadTooLarge";

    /// <summary>No reply came for an attempt before its deadline (timeout plus grace).</summary>
    public const string DeadlineExceeded = "Resolute.DeadlineExceeded";

    /// <summary>The node function ran past its timeout.</summary>
    public const string NodeTimeout = "Resolute.NodeTimeout";

    /// <summary>The node was cancelled (its run was cancelled, or the worker stopped).</summary>
    public const string NodeCancelled = "Resolute.NodeCancelled";

    /// <summary>
    /// A class-based node could not be created from the worker's services (a constructor dependency is not registered);
    /// the message names the class and the missing service. Not retried: the worker's registrations must change.
    /// </summary>
    public const string NodeActivationFailed = "Resolute.NodeActivationFailed";

    /// <summary>The run was cancelled on request.</summary>
    public const string RunCancelled = "Resolute.RunCancelled";

    /// <summary>A failure the engine could not classify.</summary>
    public const string Unknown = "Resolute.Unknown";
}
