using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Resolute.Contracts;
using Resolute.Health;
using Resolute.Orchestration.Health;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Hosting.Tests;

/// <summary>
/// The health checks AddResolute registers, on the embedded host (in-memory transport, SQLite): tagged for
/// <c>/health/ready</c> and <c>/health/live</c>, healthy on a working host, and each one failing when it should — outbox
/// rows older than the thresholds, a run timer far past due that no poller wakes, a database that cannot be reached,
/// a background loop that stopped beating — and the shutdown drain mapped onto MassTransit's and the host's timeouts.
/// </summary>
[Trait("Area", "Hosting")]
public sealed class HealthCheckScenario : IDisposable
{
    private static readonly Func<HealthCheckRegistration, bool> Ready = c => c.Tags.Contains(ResoluteHealthChecks.ReadyTag);
    private static readonly Func<HealthCheckRegistration, bool> Live = c => c.Tags.Contains(ResoluteHealthChecks.LiveTag);
    private readonly string _database = SqliteFiles.NewPath();

    public void Dispose() => SqliteFiles.Delete(_database);

    [Fact]
    public async Task A_working_embedded_host_is_ready_and_live_and_each_check_carries_its_tag()
    {
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(EchoFlow()));
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var ready = await health.CheckHealthAsync(Ready);
        var live = await health.CheckHealthAsync(Live);

        Assert.True(ready.Status == HealthStatus.Healthy, Describe(ready));
        Assert.Equal(
            [ResoluteHealthChecks.Bus, ResoluteHealthChecks.Database, ResoluteHealthChecks.OutboxBacklog, ResoluteHealthChecks.TimerLag],
            ready.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.True(live.Status == HealthStatus.Healthy, Describe(live));
        // Liveness never depends on the broker or the database.
        Assert.Equal([ResoluteHealthChecks.Loops], live.Entries.Keys);
    }

    [Fact]
    public async Task A_worker_only_process_is_ready_when_its_bus_is_and_has_no_database_checks()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolute(r => r.AddFlow(EchoFlow()).AsWorker());
        await using var provider = services.BuildServiceProvider();

        var registrations = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        Assert.Equal([ResoluteHealthChecks.Bus, ResoluteHealthChecks.Loops], registrations.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Contains(ResoluteHealthChecks.ReadyTag, registrations.Single(r => r.Name == ResoluteHealthChecks.Bus).Tags);
    }

    [Fact]
    public async Task Outbox_rows_older_than_the_degraded_then_the_unhealthy_age_degrade_then_fail_the_outbox_check()
    {
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(EchoFlow()));
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var now = DateTimeOffset.UtcNow;

        // A message type no process knows: the sweeper leaves such rows for another version's replica, so they stay.
        await AddOutboxRowAsync(host, now - TimeSpan.FromSeconds(45));
        var degraded = await CheckAsync(health, ResoluteHealthChecks.OutboxBacklog);
        Assert.True(degraded.Status == HealthStatus.Degraded, $"{degraded.Status}: {degraded.Description}");

        await AddOutboxRowAsync(host, now - TimeSpan.FromMinutes(10));
        var unhealthy = await CheckAsync(health, ResoluteHealthChecks.OutboxBacklog);
        Assert.True(unhealthy.Status == HealthStatus.Unhealthy, $"{unhealthy.Status}: {unhealthy.Description}");
        Assert.Contains("10 min old", unhealthy.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(Ready)).Status);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(Live)).Status);
    }

    [Fact]
    public async Task A_run_timer_far_past_due_that_no_poller_wakes_degrades_then_fails_the_timer_check()
    {
        // The safety poll looks once at start and then not for 30 min; nothing arms the timer loop, so the rows
        // inserted below stay due (as if no orchestrator polled them).
        await using var host = await EmbeddedHost.StartAsync(_database, r => r
            .AddFlow(EchoFlow())
            .ConfigureOrchestrator(o => o.TimerPollInterval = TimeSpan.FromMinutes(30))
            .ConfigureHealth(h =>
            {
                h.TimerLagDegradedAfter = TimeSpan.FromMinutes(90);
                h.TimerLagUnhealthyAfter = TimeSpan.FromHours(2);
                h.LoopStallTimeout = TimeSpan.FromHours(3);
            }));
        var health = host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(health, ResoluteHealthChecks.TimerLag)).Status);
        var now = DateTimeOffset.UtcNow;

        await AddDueRunAsync(host, now - TimeSpan.FromMinutes(100));
        var degraded = await CheckAsync(health, ResoluteHealthChecks.TimerLag);
        Assert.True(degraded.Status == HealthStatus.Degraded, $"{degraded.Status}: {degraded.Description}");

        var late = await AddDueRunAsync(host, now - TimeSpan.FromHours(3));
        var unhealthy = await CheckAsync(health, ResoluteHealthChecks.TimerLag);
        Assert.True(unhealthy.Status == HealthStatus.Unhealthy, $"{unhealthy.Status}: {unhealthy.Description}");
        Assert.Contains(late.ToString(), unhealthy.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_fails_the_readiness_checks_that_need_it_but_not_liveness()
    {
        // Nothing listens on port 1; the host is not started (it would migrate the database first).
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolute(r => r.AddFlow(EchoFlow()).UsePostgres("Host=127.0.0.1;Port=1;Database=resolute;Username=resolute;Timeout=3").AsOrchestrator());
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        var database = await CheckAsync(health, ResoluteHealthChecks.Database);
        var outbox = await CheckAsync(health, ResoluteHealthChecks.OutboxBacklog);
        var timers = await CheckAsync(health, ResoluteHealthChecks.TimerLag);
        var live = await health.CheckHealthAsync(Live);

        Assert.Equal(HealthStatus.Unhealthy, database.Status);
        Assert.Contains("cannot be reached", database.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, outbox.Status);
        Assert.Equal(HealthStatus.Unhealthy, timers.Status);
        Assert.True(live.Status == HealthStatus.Healthy, Describe(live));
    }

    [Fact]
    public async Task A_loop_that_stopped_beating_fails_liveness_and_a_stopped_loop_is_forgotten()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var heartbeats = new LoopHeartbeats(clock);
        var options = new ResoluteHealthOptions { LoopStallTimeout = TimeSpan.FromMinutes(2) };
        var check = new LoopsHealthCheck(heartbeats, options, clock);
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration(ResoluteHealthChecks.Loops, check, HealthStatus.Unhealthy, null) };

        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context)).Status);
        heartbeats.Beat(LoopHeartbeats.TimerLoop);
        heartbeats.Beat(LoopHeartbeats.OutboxSweeper);
        clock.Advance(TimeSpan.FromMinutes(1));
        heartbeats.Beat(LoopHeartbeats.OutboxSweeper);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context)).Status);

        clock.Advance(TimeSpan.FromSeconds(90));
        var stuck = await check.CheckHealthAsync(context);
        Assert.Equal(HealthStatus.Unhealthy, stuck.Status);
        Assert.Contains("timer-loop has not completed a pass for 2.5 min", stuck.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("outbox-sweeper has not", stuck.Description, StringComparison.Ordinal);

        heartbeats.Stopped(LoopHeartbeats.TimerLoop);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context)).Status);
    }

    [Fact]
    public async Task The_loops_of_a_running_orchestrator_beat()
    {
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(EchoFlow()));
        var heartbeats = host.Services.GetRequiredService<LoopHeartbeats>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (heartbeats.Snapshot().Count < 2)
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.Equal([LoopHeartbeats.OutboxSweeper, LoopHeartbeats.TimerLoop], heartbeats.Snapshot().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(25, 28, 30)]
    [InlineData(3, 6, 30)]
    [InlineData(60, 63, 65)]
    [InlineData(0, 3, 30)]
    public async Task The_shutdown_drain_sets_MassTransits_consumer_and_bus_stop_timeouts_and_raises_the_hosts(int drain, int busStop, int hostShutdown)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolute(r => r.AddFlow(EchoFlow()).AsWorker().ConfigureWorker(w => w.ShutdownDrainTimeout = TimeSpan.FromSeconds(drain)));
        await using var provider = services.BuildServiceProvider();

        var bus = provider.GetRequiredService<IOptions<MassTransitHostOptions>>().Value;
        var host = provider.GetRequiredService<IOptions<HostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(drain), bus.ConsumerStopTimeout);
        Assert.Equal(TimeSpan.FromSeconds(busStop), bus.StopTimeout);
        Assert.Equal(TimeSpan.FromSeconds(hostShutdown), host.ShutdownTimeout);
    }

    [Fact]
    public void The_default_drain_fits_Kubernetes_default_grace_period_of_30_seconds()
    {
        var drain = new Workers.WorkerOptions().ShutdownDrainTimeout;

        Assert.Equal(TimeSpan.FromSeconds(25), drain);
        Assert.True(drain + ResoluteHealthRegistration.HostStopMargin <= TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("degraded-above-unhealthy")]
    [InlineData("negative-drain")]
    [InlineData("zero-timeout")]
    public void Bad_thresholds_and_drains_fail_AddResolute_naming_the_setting(string mistake)
    {
        var (configure, name) = mistake switch
        {
            "degraded-above-unhealthy" => ((Action<ResoluteConfigurator>)(r => r.ConfigureHealth(h => h.OutboxBacklogDegradedAge = TimeSpan.FromMinutes(5))), "OutboxBacklogDegradedAge"),
            "negative-drain" => (r => r.ConfigureWorker(w => w.ShutdownDrainTimeout = TimeSpan.FromSeconds(-1)), "ShutdownDrainTimeout"),
            _ => (r => r.ConfigureHealth(h => h.CheckTimeout = TimeSpan.Zero), "CheckTimeout"),
        };

        var error = Assert.Throws<ResoluteConfigurationException>(() => new ServiceCollection().AddResolute(r => configure(r.AddFlow(EchoFlow()))));

        Assert.EndsWith(":" + name, error.Key, StringComparison.Ordinal);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thresholds_below_what_the_outbox_sweeper_and_timer_loop_take_by_design_are_raised_to_it()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolute(r => r
            .AddFlow(EchoFlow())
            .ConfigureOutbox(o => o.SweepAge = TimeSpan.FromMinutes(5))
            .ConfigureOrchestrator(o => o.TimerPollInterval = TimeSpan.FromMinutes(1))
            .ConfigureHealth(h => h.LoopStallTimeout = TimeSpan.FromSeconds(30)));
        await using var provider = services.BuildServiceProvider();

        var effective = provider.GetRequiredService<ResoluteHealthOptions>();

        // A row 5 min old may be waiting for the sweeper by design; a timer nobody armed is found within a minute.
        Assert.Equal(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1), effective.OutboxBacklogDegradedAge);
        Assert.Equal(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(11), effective.OutboxBacklogUnhealthyAge);
        Assert.Equal(TimeSpan.FromMinutes(2), effective.TimerLagDegradedAfter);
        Assert.Equal(TimeSpan.FromMinutes(2), effective.TimerLagUnhealthyAfter);
        Assert.Equal(TimeSpan.FromMinutes(2), effective.LoopStallTimeout);
        // Values above their floors are kept: the defaults, against the floors of the default outbox and poll interval.
        var defaults = new ResoluteHealthOptions();
        var kept = defaults.WithFloors(TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(26), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(62));
        Assert.Equal(
            (defaults.OutboxBacklogDegradedAge, defaults.OutboxBacklogUnhealthyAge, defaults.TimerLagDegradedAfter, defaults.TimerLagUnhealthyAfter, defaults.LoopStallTimeout),
            (kept.OutboxBacklogDegradedAge, kept.OutboxBacklogUnhealthyAge, kept.TimerLagDegradedAfter, kept.TimerLagUnhealthyAfter, kept.LoopStallTimeout));
    }

    private static Flow EchoFlow() =>
        Flow.Create("health-echo").TriggeredBy(Trigger.Manual()).Then(Node.Create<int, int>("echo", (value, _) => Task.FromResult(value))).Build();

    private static async Task<HealthReportEntry> CheckAsync(HealthCheckService health, string name)
    {
        var report = await health.CheckHealthAsync(c => c.Name == name);
        return Assert.Single(report.Entries, e => e.Key == name).Value;
    }

    private static string Describe(HealthReport report) =>
        string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} ({e.Value.Description}{(e.Value.Exception is { } x ? " " + x.Message : "")})"));

    private static async Task AddOutboxRowAsync(EmbeddedHost host, DateTimeOffset createdAt)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        db.Set<OutboxMessage>().Add(new OutboxMessage
        {
            Id = NewId.NextGuid(),
            RunId = Guid.NewGuid(),
            CreatedAt = createdAt,
            Kind = OutboxMessageKind.Publish,
            MessageType = "Resolute.Contracts.AMessageOfAnotherVersion",
            Body = "{}",
        });
        await db.SaveChangesAsync();
    }

    private static async Task<Guid> AddDueRunAsync(EmbeddedHost host, DateTimeOffset dueAt)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        var runId = Guid.NewGuid();
        db.Set<FlowRun>().Add(new FlowRun
        {
            CorrelationId = runId,
            CurrentState = nameof(RunStatus.Running),
            FlowName = "health-echo",
            FlowVersion = "1",
            CreatedAt = dueAt,
            UpdatedAt = dueAt,
            NextWakeAt = dueAt,
        });
        await db.SaveChangesAsync();
        return runId;
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
