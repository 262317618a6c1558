namespace Resolute.TestFlows;

/// <summary>Run input of <see cref="UpgradeFlow"/>: a value, and the file whose appearance releases the <c>hold</c> node.</summary>
public sealed record UpgradeRequest(int Value, string ReleaseFile);

/// <summary>What a node of <see cref="UpgradeFlow"/> returns: which definition ran it, and the value.</summary>
public sealed record UpgradeValue(string Version, int Value);

/// <summary>
/// A flow in two versions, for rolling upgrades. Version 1: <c>start</c> → <c>hold</c>. Version 2: <c>start</c> →
/// <c>added</c> → <c>hold</c>. Each node returns which version's definition ran it. <c>hold</c> waits (honouring its token)
/// until the run's <see cref="UpgradeRequest.ReleaseFile"/> exists, so a scenario keeps runs in flight for as long as it
/// needs, whatever the machine's speed. A process registers version 1 only, or version 2 with version 1 kept
/// (<see cref="Generation"/>, from <c>RESOLUTE_TEST_FLOW_GENERATION</c>).
/// </summary>
public static class UpgradeFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "rolling-upgrade";

    /// <summary>The environment variable that says which generation of the flow a test host registers: 1 (default) or 2.</summary>
    public const string GenerationVariable = "RESOLUTE_TEST_FLOW_GENERATION";

    /// <summary>Version 1: <c>start</c> → <c>hold</c>.</summary>
    public static Flow Version1 { get; } = Build("v1", withAddedStep: false);

    /// <summary>Version 2: <c>start</c> → <c>added</c> → <c>hold</c>.</summary>
    public static Flow Version2 { get; } = Build("v2", withAddedStep: true);

    /// <summary>The generation this process registers: <c>RESOLUTE_TEST_FLOW_GENERATION</c>, 1 when unset.</summary>
    public static int Generation => Environment.GetEnvironmentVariable(GenerationVariable) is "2" ? 2 : 1;

    private static Flow Build(string version, bool withAddedStep)
    {
        var start = Node.Create<UpgradeRequest, UpgradeValue>("start", (request, _) => Task.FromResult(new UpgradeValue(version, request.Value)))
            .WithInput(state => state.GetInput<UpgradeRequest>() ?? throw new InvalidOperationException($"{Name} needs an UpgradeRequest input."));
        var hold = Node.Create<UpgradeRequest, UpgradeValue>("hold", (request, context) => HoldAsync(version, request, context))
            .WithInput(state => state.GetInput<UpgradeRequest>()!)
            .WithTimeout(TimeSpan.FromMinutes(5));
        var builder = Flow.Create(Name).TriggeredBy(Trigger.Manual("api")).Then(start);
        if (withAddedStep)
        {
            builder = builder.Then(Node.Create<UpgradeValue, UpgradeValue>("added", (value, _) => Task.FromResult(new UpgradeValue(version, value.Value + 1)))
                .WithInput(state => state.Get<UpgradeValue>("start")));
        }

        return builder.Then(hold).Build();
    }

    private static async Task<UpgradeValue> HoldAsync(string version, UpgradeRequest request, NodeContext context)
    {
        while (!File.Exists(request.ReleaseFile))
        {
            await Task.Delay(100, context.CancellationToken).ConfigureAwait(false);
        }

        return new UpgradeValue(version, request.Value);
    }
}
