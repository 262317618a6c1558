using Microsoft.Extensions.Logging;

namespace Resolute.Orchestration.Schedules;

/// <summary>The schedule runner's log messages.</summary>
internal static partial class ScheduleLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Schedule of flow {FlowName}: tick {ScheduledFireTime:O} started run {RunId}")]
    public static partial void TickStarted(ILogger logger, string flowName, DateTimeOffset scheduledFireTime, Guid runId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Schedule of flow {FlowName}: tick {ScheduledFireTime:O} skipped: {Reason}")]
    public static partial void TickSkipped(ILogger logger, string flowName, DateTimeOffset scheduledFireTime, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Schedule of flow {FlowName}: tick {ScheduledFireTime:O} buffered until the previous scheduled run ends")]
    public static partial void TickBuffered(ILogger logger, string flowName, DateTimeOffset scheduledFireTime);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Error, Message = "Schedule of flow {FlowName}: tick {ScheduledFireTime:O} failed and started nothing; the next tick fires as scheduled")]
    public static partial void TickFailed(ILogger logger, Exception exception, string flowName, DateTimeOffset scheduledFireTime);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Schedules: flow {FlowName} {Change}")]
    public static partial void Reconciled(ILogger logger, string flowName, string change);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Schedule of flow {FlowName} {Change}")]
    public static partial void PauseChanged(ILogger logger, string flowName, string change);
}
