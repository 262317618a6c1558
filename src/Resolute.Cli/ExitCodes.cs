namespace Resolute.Cli;

/// <summary>The exit codes of <c>resolute</c>; docs/cli.md lists them. Scripts branch on these, so they never change meaning.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>The run ended other than Completed (<c>start --wait</c>, <c>watch</c>), or a cancellation changed nothing.</summary>
    public const int RunNotCompleted = 1;

    /// <summary>The command line is wrong: unknown option, bad value, bad <c>--input</c> JSON.</summary>
    public const int Usage = 2;

    /// <summary>No such flow, run or schedule.</summary>
    public const int NotFound = 3;

    /// <summary>The broker or the database could not be reached (the address is named, never the password).</summary>
    public const int CannotConnect = 4;

    /// <summary>The orchestrator did not answer, or the run did not end, within the time allowed.</summary>
    public const int TimedOut = 5;

    /// <summary>Anything else went wrong; the message says what.</summary>
    public const int Failed = 6;

    /// <summary>Interrupted (Ctrl+C), the shell's convention for SIGINT.</summary>
    public const int Interrupted = 130;
}
