using System.Diagnostics;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>Waits for a condition with a deadline instead of sleeping for a guessed time.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        var last = await read().ConfigureAwait(false);
        while (!done(last))
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; last value: {last}.");
            }

            await Task.Delay(20).ConfigureAwait(false);
            last = await read().ConfigureAwait(false);
        }

        return last;
    }
}
