using System.Globalization;
using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.TestHost;

/// <summary>
/// Fault injection into the transactional outbox of the orchestrator, for crash and rollback tests that run real
/// processes: the test host reads the environment variable <c>RESOLUTE_TEST_FAULT</c> and registers the result as an
/// <see cref="IOutboxObserver"/>. Test code only: Resolute itself never reads the variable.
/// </summary>
/// <remarks>
/// The value is a list of <c>action-point:N</c> entries separated by commas, e.g. <c>crash-after-commit:5</c>:
/// <list type="bullet">
/// <item><c>crash-after-commit:N</c> — at the N-th saga commit that stored outbox messages, after the commit and before
/// they are delivered, end the process at once with <see cref="Environment.FailFast(string)"/> (as <c>kill -9</c> would).
/// The rows are committed; the sweeper of the restarted (or another) orchestrator delivers them.</item>
/// <item><c>throw-after-commit:N</c> — same point, but only the fast delivery is abandoned (the process lives on); the
/// sweeper delivers the messages after <see cref="ResoluteOutboxOptions.SweepAge"/>.</item>
/// <item><c>throw-before-commit:N</c> — in the N-th saga transaction that wrote outbox rows, after they were written and
/// before the commit, throw: the transaction rolls back (no outbox row, no message), and message retry handles the
/// message again.</item>
/// <item><c>crash-before-commit:N</c> — same point, but end the process: the open transaction dies with it.</item>
/// </list>
/// Each entry fires once. Counts are per process and per point, and count only transactions with outbox messages.
/// </remarks>
internal static class OutboxFaultInjection
{
    /// <summary>The environment variable read by the test host.</summary>
    public const string Variable = "RESOLUTE_TEST_FAULT";

    /// <summary>The observer described by <see cref="Variable"/>, or <see langword="null"/> when it is unset.</summary>
    public static IOutboxObserver? FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Parses a <see cref="Variable"/> value; <paramref name="crash"/> replaces <see cref="Environment.FailFast(string)"/> in tests.</summary>
    /// <exception cref="InvalidOperationException">The value is not a list of <c>action-point:N</c> entries.</exception>
    public static IOutboxObserver? Parse(string? value, Action<string>? crash = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var faults = new List<Fault>();
        foreach (var entry in value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) || ordinal <= 0)
            {
                throw Invalid(value, entry);
            }

            var (crashes, point) = entry[..colon].Trim().ToUpperInvariant() switch
            {
                "CRASH-AFTER-COMMIT" => (true, OutboxPoint.AfterCommitBeforeDelivery),
                "THROW-AFTER-COMMIT" => (false, OutboxPoint.AfterCommitBeforeDelivery),
                "CRASH-BEFORE-COMMIT" => (true, OutboxPoint.BeforeCommit),
                "THROW-BEFORE-COMMIT" => (false, OutboxPoint.BeforeCommit),
                _ => throw Invalid(value, entry),
            };
            faults.Add(new Fault(entry, crashes, point, ordinal));
        }

        if (faults.Count == 0)
        {
            throw Invalid(value, value);
        }

        return new Injector(faults, crash ?? Environment.FailFast);
    }

    private static InvalidOperationException Invalid(string value, string entry) => new(
        $"{Variable}='{value}' is not valid at '{entry}'. Expected entries like crash-after-commit:5, throw-after-commit:2, "
        + "throw-before-commit:3 or crash-before-commit:1 (N counts saga transactions with outbox messages, from 1), separated by commas.");

    private sealed record Fault(string Text, bool Crashes, OutboxPoint Point, int Ordinal);

    private sealed class Injector(List<Fault> faults, Action<string> crash) : IOutboxObserver
    {
        private int _beforeCommit;
        private int _afterCommit;

        public Task ObserveAsync(OutboxObservation context)
        {
            if (context.Messages.Count == 0 || context.Point == OutboxPoint.Delivered)
            {
                return Task.CompletedTask;
            }

            var count = context.Point == OutboxPoint.BeforeCommit
                ? Interlocked.Increment(ref _beforeCommit)
                : Interlocked.Increment(ref _afterCommit);
            foreach (var fault in faults)
            {
                if (fault.Point != context.Point || fault.Ordinal != count)
                {
                    continue;
                }

                var message = $"{Variable} {fault.Text}: injected at saga transaction {count} with {context.Messages.Count} outbox message(s) "
                    + $"({string.Join(", ", context.Messages.Select(m => m.MessageType[(m.MessageType.LastIndexOf('.') + 1)..]))}).";
                if (fault.Crashes)
                {
                    Console.Error.WriteLine($"{message} Ending the process now.");
                    crash(message);
                }
                else
                {
                    throw new InvalidOperationException(message);
                }
            }

            return Task.CompletedTask;
        }
    }
}
