using System.Diagnostics;
using Resolute.IntegrationTests.Hosting;
using Resolute.Soak;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Durability;

/// <summary>
/// The short soak of CI: the engine of <c>infra/scripts/soak.sh</c> (tests/Resolute.Soak/Engine) with 200 runs of
/// <c>soak-order</c> started over 48 s on two orchestrators and three workers, and a fixed seed's faults — <c>kill -9</c>
/// of orchestrators and workers, a RabbitMQ restart, a PostgreSQL outage. Then the same zero-checks as the full soak:
/// no run lost, none ended twice, none in a status other than its input says, no compensation run twice.
/// </summary>
/// <remarks>
/// Stops and starts the test run's shared RabbitMQ and PostgreSQL: the assembly runs one class at a time (AssemblyInfo.cs),
/// and every server stopped is started again in a finally.
/// </remarks>
[Trait("Area", "Durability")]
public sealed class SoakScenario(SoakCluster cluster, ITestOutputHelper output)
    : EngineScenario<SoakCluster>(cluster, output), IClassFixture<SoakCluster>
{
    /// <summary>The CI soak's seed: its plan (and so its fault schedule) is the same on every run.</summary>
    public const int Seed = 20261212;

    [Fact]
    public async Task Two_hundred_runs_under_seeded_faults_lose_nothing_and_end_once_as_their_input_says()
    {
        var plan = SoakPlan.Create(new SoakOptions { Runs = 200, Window = TimeSpan.FromSeconds(60), Seed = Seed, DrainTimeout = TimeSpan.FromSeconds(90) });
        Output.WriteLine(plan.Describe());
        Assert.Contains(plan.Faults, f => f.Kind == SoakFaultKind.KillOrchestrator);
        Assert.Contains(plan.Faults, f => f.Kind == SoakFaultKind.KillWorker);
        Assert.Contains(plan.Faults, f => f.Kind == SoakFaultKind.RestartRabbitMq);
        Assert.Contains(plan.Faults, f => f.Kind == SoakFaultKind.StopPostgres);
        await Cluster.StartSecondOrchestratorAsync();

        var clock = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var report = await new SoakRunner(Cluster, plan, Output.WriteLine).RunAsync(limit.Token);
        Output.WriteLine(report.Format());
        Output.WriteLine($"soak of {plan.Runs.Count} runs took {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.True(report.Passed, report.Format());
        Assert.Equal(plan.Faults.Count, report.Faults.Count);
    }

    [Fact]
    public void The_same_seed_draws_the_same_plan()
    {
        var options = new SoakOptions { Runs = 200, Window = TimeSpan.FromSeconds(60), Seed = Seed };
        var first = SoakPlan.Create(options);
        var second = SoakPlan.Create(options);
        Assert.Equal(first.Faults, second.Faults);
        Assert.Equal(first.Runs, second.Runs);
        Assert.NotEqual(first.Faults, SoakPlan.Create(options with { Seed = Seed + 1 }).Faults);
    }
}
