namespace Resolute.Cli;

/// <summary>A failure the tool reports as one line on standard error, exiting with <see cref="ExitCode"/>.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message, Exception? inner = null)
        : base(message, inner) => ExitCode = exitCode;

    /// <summary>One of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; }
}
