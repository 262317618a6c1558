using Microsoft.Extensions.Logging;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>The outbox's log messages (source-generated).</summary>
internal static partial class OutboxLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Outbox: delivering {Count} committed message(s) right after the commit failed; the sweeper delivers them within a few seconds")]
    public static partial void FastPathFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Outbox: an observer abandoned the delivery of {Count} committed message(s) at {Point}; the sweeper delivers them later")]
    public static partial void DeliveryAbandoned(ILogger logger, Exception exception, int count, OutboxPoint point);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "Outbox: an observer failed at {Point}; ignored")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, OutboxPoint point);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Outbox sweep failed (database or broker unavailable?); retrying in {RetryIn}")]
    public static partial void SweepFailed(ILogger logger, Exception exception, TimeSpan retryIn);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Outbox sweep: delivered {Delivered} message(s), then a delivery failed; the rest stay for the next sweep")]
    public static partial void SweepDeliveryFailed(ILogger logger, Exception exception, int delivered);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information,
        Message = "Outbox sweep delivered {Count} message(s) the fast path had left (a crash, or the broker or database was unavailable)")]
    public static partial void SweepDelivered(ILogger logger, int count);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error,
        Message = "Outbox row {RowId} of run {RunId} holds message type '{MessageType}', which is not a type of Resolute.Contracts in this version; left in place for a replica that knows it")]
    public static partial void UnknownMessageType(ILogger logger, Guid rowId, Guid runId, string messageType);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning,
        Message = "Outbox: deleting {Count} delivered row(s) failed; retrying in {RetryIn} (the sweeper will not send them again)")]
    public static partial void DeleteFailed(ILogger logger, Exception exception, int count, TimeSpan retryIn);
}
