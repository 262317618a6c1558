using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Cli.Tests;

/// <summary>Runs started through the client, for the commands that read them.</summary>
internal static class RunFixtures
{
    public static async Task<FlowRunDescription> EndedRunAsync(this CliHost host, Flow flow, string id)
    {
        var runId = await host.Client.StartAsync(flow.Name, new Ticket(id));
        return await host.Client.WaitForCompletionAsync(runId, TimeSpan.FromSeconds(60));
    }

    public static Task<FlowRunDescription> WaitForStatusAsync(this CliHost host, Guid runId, Func<RunStatus, bool> done, string what) =>
        Persistence.EntityFrameworkCore.Tests.Support.Poll.UntilAsync(
            async () => await host.Client.GetRunAsync(runId),
            run => run is not null && done(run.Status),
            TimeSpan.FromSeconds(60),
            what)!;
}
