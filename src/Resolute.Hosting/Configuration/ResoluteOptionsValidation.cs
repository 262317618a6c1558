using Microsoft.Extensions.Options;
using Resolute.Client;
using Resolute.Health;
using Resolute.Orchestration;
using Resolute.Orchestration.Schedules;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Workers;

namespace Resolute;

/// <summary>The checks of Resolute's options types, reported with the configuration key of the value at fault.</summary>
internal static class ResoluteOptionsValidation
{
    // A CancellationTokenSource accepts at most int.MaxValue milliseconds (about 24.8 days); the host adds its margin.
    private static readonly TimeSpan MaxShutdownDrain = TimeSpan.FromMilliseconds(int.MaxValue) - TimeSpan.FromMinutes(1);

    public static void Orchestrator(OrchestratorOptions o)
    {
        o.Validate();
        NotBlank(o.QueueName, nameof(o.QueueName), "a queue name, e.g. resolute-orchestrator");
        NotBlank(o.QueryQueueName, nameof(o.QueryQueueName), "a queue name, e.g. resolute-queries");
        AtLeastOne(o.ConcurrentMessageLimit, nameof(o.ConcurrentMessageLimit));
        AtLeastOne(o.MaxPayloadBytes, nameof(o.MaxPayloadBytes));
        MessageAbovePayload(o.MaxMessageBytes, o.MaxPayloadBytes, nameof(o.MaxMessageBytes));
        if (o.DeadlineGrace < TimeSpan.Zero)
        {
            throw Bad(nameof(o.DeadlineGrace), $"is {o.DeadlineGrace}; must not be negative; allowed: a duration such as 00:00:30.");
        }
    }

    public static void Worker(WorkerOptions o)
    {
        AtLeastOne(o.ConcurrentNodeLimit, nameof(o.ConcurrentNodeLimit));
        AtLeastOne(o.MaxPayloadBytes, nameof(o.MaxPayloadBytes));
        MessageAbovePayload(o.MaxMessageBytes, o.MaxPayloadBytes, nameof(o.MaxMessageBytes));
        NotBlank(o.WorkerId, nameof(o.WorkerId), "a name for this worker in run history");
        if (o.RememberedExecutions < 0)
        {
            throw Bad(nameof(o.RememberedExecutions), $"is {o.RememberedExecutions}; allowed: zero (keep no replies) or more, e.g. 10000.");
        }

        if (o.RememberedReplyBytes < 0)
        {
            throw Bad(nameof(o.RememberedReplyBytes), $"is {o.RememberedReplyBytes}; allowed: zero or more bytes, e.g. 67108864 (64 MiB).");
        }

        if (o.ShutdownDrainTimeout < TimeSpan.Zero || o.ShutdownDrainTimeout > MaxShutdownDrain)
        {
            throw Bad(nameof(o.ShutdownDrainTimeout), $"is {o.ShutdownDrainTimeout}; allowed: zero or a duration under 24 days, e.g. 00:00:25.");
        }
        if (o.TaskQueues.Any(string.IsNullOrWhiteSpace))
        {
            throw Bad(nameof(o.TaskQueues), "has an empty queue name; allowed: queue names such as resolute-nodes.");
        }
    }

    public static void Schedules(ScheduleOptions o) => o.Validate();

    public static void Health(ResoluteHealthOptions o) => o.Validate();

    public static void Telemetry(ResoluteTelemetryOptions o) => o.Validate();

    public static void Outbox(ResoluteOutboxOptions o) => o.Validate();

    public static void Client(FlowClientOptions o)
    {
        if (o.RequestTimeout <= TimeSpan.Zero)
        {
            throw Bad(nameof(o.RequestTimeout), $"is {o.RequestTimeout}; must be positive; allowed: a duration such as 00:00:30.");
        }

        if (o.CancelConfirmationTimeout <= TimeSpan.Zero)
        {
            throw Bad(nameof(o.CancelConfirmationTimeout), $"is {o.CancelConfirmationTimeout}; must be positive; allowed: a duration such as 00:00:10.");
        }

        NotBlank(o.QueryQueueName, nameof(o.QueryQueueName), "a queue name, e.g. resolute-queries");
        NotBlank(o.OrchestratorQueueName, nameof(o.OrchestratorQueueName), "a queue name, e.g. resolute-orchestrator");
    }

    /// <summary>Runs <paramref name="validate"/>; a bad value becomes a <see cref="ResoluteConfigurationException"/> naming its key.</summary>
    public static void Check<T>(string sectionKey, T options, Action<T> validate)
    {
        if (Failure(sectionKey, options, validate) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The failure of <paramref name="validate"/> as an exception naming the key, or null.</summary>
    public static ResoluteConfigurationException? Failure<T>(string sectionKey, T options, Action<T> validate)
    {
        try
        {
            validate(options);
            return null;
        }
        catch (ArgumentException e)
        {
            var key = e.ParamName is { Length: > 0 } name ? $"{sectionKey}:{name}" : sectionKey;
            var message = e.Message;
            var parameterNote = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            if (parameterNote >= 0)
            {
                message = message[..parameterNote] + message[(message.IndexOf(')', parameterNote) + 1)..];
            }

            return new ResoluteConfigurationException(key, message.ReplaceLineEndings(" ").Trim(), e);
        }
    }

    private static ArgumentException Bad(string key, string message) => new(message, key);

    private static void NotBlank(string? value, string name, string allowed)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Bad(name, $"is empty; allowed: {allowed}.");
        }
    }

    /// <summary>
    /// The smallest message limit that still carries a payload of <paramref name="maxPayloadBytes"/>: the payload travels
    /// as a JSON string (MassTransit escapes only quotes, backslashes and control characters, so at most twice its size)
    /// inside an envelope of headers and ids (64 KiB is ample).
    /// </summary>
    public static long SmallestMessageLimit(int maxPayloadBytes) => (2L * maxPayloadBytes) + MessageEnvelopeAllowance;

    private const int MessageEnvelopeAllowance = 64 * 1024;

    private static void MessageAbovePayload(int maxMessageBytes, int maxPayloadBytes, string name)
    {
        var smallest = SmallestMessageLimit(maxPayloadBytes);
        if (maxMessageBytes < smallest)
        {
            throw Bad(
                name,
                $"is {maxMessageBytes}; must be at least twice MaxPayloadBytes ({maxPayloadBytes}) plus 64 KiB, i.e. {smallest} or more, " +
                "so that a payload over MaxPayloadBytes still arrives and fails with PayloadTooLarge instead of going to the error queue; " +
                "raise MaxMessageBytes (default 8388608, 8 MiB) or lower MaxPayloadBytes.");
        }
    }

    private static void AtLeastOne(int value, string name)
    {
        if (value < 1)
        {
            throw Bad(name, $"is {value}; allowed: 1 or more.");
        }
    }
}

/// <summary>Checks an options type at start (<c>ValidateOnStart</c>) with the messages of <see cref="ResoluteOptionsValidation"/>.</summary>
internal sealed class ResoluteOptionsValidator<T>(string sectionKey, Action<T> validate) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options) =>
        ResoluteOptionsValidation.Failure(sectionKey, options, validate) is { } failure
            ? ValidateOptionsResult.Fail(failure.Message)
            : ValidateOptionsResult.Success;
}
