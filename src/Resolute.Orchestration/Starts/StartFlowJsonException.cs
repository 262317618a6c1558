using System.Runtime.Serialization;

namespace Resolute.Orchestration.Starts;

/// <summary>
/// A start request sent as plain JSON (content type <c>application/json</c>) that cannot be read as a
/// <see cref="Contracts.StartFlow"/>: not JSON, not an object, a required field missing, a field of the wrong type. The
/// message goes to the orchestrator's error queue (<c>resolute-orchestrator_error</c>) with this message in its
/// <c>MT-Fault-Message</c> header; no run is created.
/// </summary>
public sealed class StartFlowJsonException : SerializationException
{
    /// <summary>An exception without a reason (prefer one with a message).</summary>
    public StartFlowJsonException()
    {
    }

    /// <summary>An exception saying why the message was rejected.</summary>
    public StartFlowJsonException(string message)
        : base(message)
    {
    }

    /// <summary>An exception saying why the message was rejected, and what the JSON reader reported.</summary>
    public StartFlowJsonException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
