using Microsoft.Extensions.Logging;
using Resolute.Contracts;

namespace Resolute.Orchestration.Sagas;

/// <summary>The orchestrator's log messages (source-generated, no allocation when disabled).</summary>
internal static partial class FlowRunLog
{
    private static readonly Func<ILogger, Guid, string, IDisposable?> Scope = LoggerMessage.DefineScope<Guid, string>("Run {RunId} of flow {FlowName}");

    /// <summary>The scope of everything logged while the saga handles a message of one run.</summary>
    public static IDisposable? RunScope(ILogger logger, Guid runId, string? flowName) => Scope(logger, runId, flowName ?? string.Empty);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Run {RunId}: ignored {MessageType}: {Reason}")]
    public static partial void Ignored(ILogger logger, Guid runId, string messageType, string? reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Run {RunId}: refused {MessageType}: {Reason}")]
    public static partial void Refused(ILogger logger, Guid runId, string messageType, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Run {RunId} of flow {FlowName} is now {Status}")]
    public static partial void StatusChanged(ILogger logger, Guid runId, string flowName, RunStatus status);
}
