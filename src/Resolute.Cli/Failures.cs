using MassTransit;

namespace Resolute.Cli;

/// <summary>How an exception becomes one line and an exit code.</summary>
internal static class Failures
{
    /// <summary>The exit code and line of <paramref name="exception"/>; every exception gets one.</summary>
    /// <param name="exception">What went wrong.</param>
    /// <param name="where">The broker or database the command talked to, e.g. <c>RabbitMQ at amqp://localhost:5672/</c>; null before it connected.</param>
    /// <param name="cancellationToken">The command's token: cancelled means interrupted.</param>
    public static (int ExitCode, string Message)? ExitCodeOf(Exception exception, string? where, CancellationToken cancellationToken) => exception switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        OperationCanceledException when cancellationToken.IsCancellationRequested => (ExitCodes.Interrupted, "interrupted"),
        RequestTimeoutException => (ExitCodes.TimedOut,
            $"the orchestrator did not answer{(where is null ? "" : $" via {where}")} within the request timeout (--request-timeout): is an orchestrator running on this broker?"),
        TimeoutException timeout => (ExitCodes.TimedOut, OneLine(timeout.Message)),
        _ => (ExitCodes.Failed, OneLine($"{exception.GetType().Name}: {exception.Message}")),
    };

    /// <summary>Messages go on one line: scripts read standard error line by line.</summary>
    public static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
