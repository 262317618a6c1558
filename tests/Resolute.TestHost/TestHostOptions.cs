using System.Globalization;

namespace Resolute.TestHost;

/// <summary>What the test host runs as, from its command line.</summary>
internal sealed class TestHostOptions
{
    public const string Usage =
        "usage: Resolute.TestHost --role orchestrator|worker|all|configuration --rabbitmq amqp://user:pass@host:port/vhost " +
        "[--postgres CONNECTION-STRING] [--queues a,b] [--worker-id ID] [--concurrency N] [--deadline-grace SECONDS] [--queue-wait-limit SECONDS] [--timer-poll MS] " +
        "[--schedule FLOW=CRON[;overlap=X][;misfire=Y][;threshold=MS]]... [--schedule-checkin MS] [--shutdown-drain SECONDS] [--log-schedules] [--ignore-stdin]\n" +
        "  --postgres      the saga database; required for the orchestrator role, which migrates it at start-up\n" +
        "  --queues        task queues the worker role consumes (default: every queue of the test flows)\n" +
        "  --worker-id     the worker's id in run history (default machine/pid)\n" +
        "  --concurrency   node executions at once per queue (default 16)\n" +
        "  --deadline-grace  seconds past a node's timeout before the orchestrator counts a silent attempt failed (default 30)\n" +
        "  --queue-wait-limit  seconds an attempt no worker said it started may wait in its queue past that deadline (default 600)\n" +
        "  --timer-poll    the safety poll of run timers, in milliseconds (default 2000)\n" +
        "  --schedule      register the schedule test flow FLOW with this schedule instead of its manual trigger (repeatable)\n" +
        "  --schedule-checkin  the schedule cluster's check-in interval and dead-node threshold, in milliseconds (default 5000)\n" +
        "  --shutdown-drain  seconds running nodes may finish in once the host stops (SIGTERM) before they are cancelled and handed back (default 25)\n" +
        "  --log-schedules log the schedule runner at Information (each tick started, reconciliations)\n" +
        "  --ignore-stdin  keep running when stdin reaches end of file (by default EOF on stdin stops the host)";

    public bool Orchestrator { get; private set; }

    public bool Worker { get; private set; }

    public Uri RabbitMq { get; private set; } = null!;

    public string? Postgres { get; private set; }

    public IReadOnlyList<string> Queues { get; private set; } = [];

    public string? WorkerId { get; private set; }

    public int? Concurrency { get; private set; }

    public bool IgnoreStdin { get; private set; }

    public TimeSpan? DeadlineGrace { get; private set; }

    public TimeSpan? QueueWaitLimit { get; private set; }

    public TimeSpan? TimerPoll { get; private set; }

    public Dictionary<string, string> Schedules { get; } = new(StringComparer.Ordinal);

    public TimeSpan? ScheduleCheckin { get; private set; }

    public bool LogSchedules { get; private set; }

    public TimeSpan? ShutdownDrain { get; private set; }

    /// <exception cref="ArgumentException">The command line is incomplete or wrong; the message says what.</exception>
    public static TestHostOptions Parse(IReadOnlyList<string> args)
    {
        var options = new TestHostOptions();
        string? role = null;
        string? rabbitMq = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--ignore-stdin")
            {
                options.IgnoreStdin = true;
                continue;
            }

            if (name == "--log-schedules")
            {
                options.LogSchedules = true;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"'{name}' needs a value.");
            }

            var value = args[++i];
            switch (name)
            {
                case "--role":
                    role = value;
                    break;
                case "--rabbitmq":
                    rabbitMq = value;
                    break;
                case "--postgres":
                    options.Postgres = value;
                    break;
                case "--queues":
                    options.Queues = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--worker-id":
                    options.WorkerId = value;
                    break;
                case "--concurrency":
                    options.Concurrency = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                        ? n
                        : throw new ArgumentException($"--concurrency must be a positive integer, not '{value}'.");
                    break;
                case "--deadline-grace":
                    options.DeadlineGrace = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var grace) && grace >= 0
                        ? TimeSpan.FromSeconds(grace)
                        : throw new ArgumentException($"--deadline-grace must be a number of seconds, not '{value}'.");
                    break;
                case "--queue-wait-limit":
                    options.QueueWaitLimit = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var wait) && wait >= 0
                        ? TimeSpan.FromSeconds(wait)
                        : throw new ArgumentException($"--queue-wait-limit must be a number of seconds, not '{value}'.");
                    break;
                case "--timer-poll":
                    options.TimerPoll = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var poll) && poll > 0
                        ? TimeSpan.FromMilliseconds(poll)
                        : throw new ArgumentException($"--timer-poll must be a positive number of milliseconds, not '{value}'.");
                    break;
                case "--schedule":
                    var equals = value.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        throw new ArgumentException($"--schedule must be FLOW=CRON[;option=value...], not '{value}'.");
                    }

                    options.Schedules[value[..equals]] = value[(equals + 1)..];
                    break;
                case "--schedule-checkin":
                    options.ScheduleCheckin = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var checkin) && checkin >= 100
                        ? TimeSpan.FromMilliseconds(checkin)
                        : throw new ArgumentException($"--schedule-checkin must be at least 100 milliseconds, not '{value}'.");
                    break;
                case "--shutdown-drain":
                    options.ShutdownDrain = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var drain) && drain >= 0
                        ? TimeSpan.FromSeconds(drain)
                        : throw new ArgumentException($"--shutdown-drain must be a number of seconds, not '{value}'.");
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{name}'.");
            }
        }

        (options.Orchestrator, options.Worker) = role switch
        {
            "orchestrator" => (true, false),
            "worker" => (false, true),
            "all" => (true, true),
            // Roles, queues and worker settings from the environment only (Resolute__Roles, Resolute__Worker__TaskQueues, ...).
            "configuration" => (false, false),
            null => throw new ArgumentException("--role is required."),
            _ => throw new ArgumentException($"--role must be orchestrator, worker, all or configuration, not '{role}'."),
        };

        if (string.IsNullOrWhiteSpace(rabbitMq) || !Uri.TryCreate(rabbitMq, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"--rabbitmq must be an absolute amqp:// URI, not '{rabbitMq}'.");
        }

        options.RabbitMq = uri;
        if (options.Orchestrator && string.IsNullOrWhiteSpace(options.Postgres))
        {
            throw new ArgumentException("--postgres is required for the orchestrator role.");
        }

        return options;
    }
}
