using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resolute.Client;
using Resolute.Orchestration;
using Resolute.Orchestration.Schedules;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.PostgreSql;
using Resolute.Workers;

namespace Resolute.Hosting.Tests.Configuration;

/// <summary>
/// Settings come from the <c>Resolute</c> configuration section over the code's defaults; every options type is an
/// <c>IOptions&lt;T&gt;</c> checked at start; a wrong value names its key and what is allowed.
/// </summary>
[Trait("Area", "Hosting")]
public sealed class ResoluteConfigurationTests
{
    private static readonly Flow Echo = Flow.Create("config-echo")
        .TriggeredBy(Trigger.Manual())
        .Then(Node.Create<int, int>("echo", (v, _) => Task.FromResult(v)))
        .Build();

    [Fact]
    public async Task Roles_task_queues_and_options_come_from_configuration_over_the_code()
    {
        await using var provider = Build(
            r => r.AsOrchestrator().AsWorker("code-queue").ConfigureWorker(w => w.ConcurrentNodeLimit = 2),
            new()
            {
                ["Resolute:Roles"] = "Worker",
                ["Resolute:Worker:TaskQueues"] = "orders, emails",
                ["Resolute:Worker:ConcurrentNodeLimit"] = "7",
                ["Resolute:Worker:WorkerId"] = "pod-3",
                ["Resolute:Client:RequestTimeout"] = "00:00:05",
            });

        Assert.Equal(ResoluteRoles.Worker, provider.GetRequiredService<ResoluteHostPlan>().Roles);
        var worker = provider.GetRequiredService<IOptions<WorkerOptions>>().Value;
        Assert.Equal(["orders", "emails"], worker.TaskQueues);
        Assert.Equal(7, worker.ConcurrentNodeLimit);
        Assert.Equal("pod-3", worker.WorkerId);
        Assert.Same(worker, provider.GetRequiredService<WorkerOptions>());
        Assert.Equal(TimeSpan.FromSeconds(5), provider.GetRequiredService<FlowClientOptions>().RequestTimeout);

        // A worker-only process registers no saga database and no orchestrator services.
        Assert.Null(provider.GetService<ResolutePersistenceOptions>());
    }

    [Fact]
    public async Task Task_queues_bind_as_an_array_too_and_the_code_applies_where_configuration_is_silent()
    {
        await using var provider = Build(
            r => r.AsWorker("code-queue").ConfigureWorker(w => w.ConcurrentNodeLimit = 2),
            new() { ["Resolute:Worker:TaskQueues:0"] = "a", ["Resolute:Worker:TaskQueues:1"] = "b" });

        var worker = provider.GetRequiredService<WorkerOptions>();
        Assert.Equal(["a", "b"], worker.TaskQueues);
        Assert.Equal(2, worker.ConcurrentNodeLimit);
    }

    [Fact]
    public async Task The_database_and_its_connection_string_come_from_configuration()
    {
        await using var provider = Build(
            r => r.AsOrchestrator().UsePostgres(),
            new()
            {
                ["ConnectionStrings:Resolute"] = "Host=db.internal;Database=resolute;Username=app",
                ["Resolute:ApplyMigrationsOnStartup"] = "false",
                ["Resolute:Orchestrator:ConcurrentMessageLimit"] = "32",
                ["Resolute:Outbox:SweepAge"] = "00:00:03",
                ["Resolute:Schedules:MisfireThreshold"] = "00:00:09",
            });

        var persistence = provider.GetRequiredService<ResolutePersistenceOptions>();
        var postgres = Assert.IsType<PostgreSqlDatabaseProvider>(persistence.Provider);
        Assert.Contains("db.internal", postgres.ConnectionString, StringComparison.Ordinal);
        Assert.False(persistence.ApplyMigrationsOnStartup);
        Assert.Equal(32, provider.GetRequiredService<OrchestratorOptions>().ConcurrentMessageLimit);
        Assert.Equal(TimeSpan.FromSeconds(3), provider.GetRequiredService<ResoluteOutboxOptions>().SweepAge);
        Assert.Equal(TimeSpan.FromSeconds(9), provider.GetRequiredService<ScheduleOptions>().MisfireThreshold);
    }

    [Theory]
    [InlineData("Resolute:Roles", "Orchestrtor", "Allowed: Orchestrator, Worker")]
    [InlineData("Resolute:ApplyMigrationsOnStartup", "sometimes", "Allowed: true, false")]
    [InlineData("Resolute:Worker:ConcurrentNodeLimit", "0", "allowed: 1 or more")]
    [InlineData("Resolute:Orchestrator:TimerPollInterval", "-00:00:01", "must be positive")]
    [InlineData("Resolute:Outbox:SweepBatchSize", "0", "must be positive")]
    [InlineData("Resolute:Worker:MaxMessageBytes", "1048576", "must be at least twice MaxPayloadBytes (1048576) plus 64 KiB, i.e. 2162688 or more")]
    [InlineData("Resolute:Orchestrator:MaxMessageBytes", "0", "must be at least twice MaxPayloadBytes (1048576) plus 64 KiB, i.e. 2162688 or more")]
    public void A_wrong_value_fails_with_its_key_and_what_is_allowed(string key, string value, string allowed)
    {
        var error = Assert.Throws<ResoluteConfigurationException>(() => Build(r => { }, new() { [key] = value }));

        Assert.Equal(key, error.Key);
        Assert.StartsWith(key + ":", error.Message, StringComparison.Ordinal);
        Assert.Contains(allowed, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RabbitMq_keys_are_read_by_UseRabbitMq_and_refused_without_it()
    {
        var error = Assert.Throws<ResoluteConfigurationException>(() => Build(r => { }, new() { ["Resolute:RabbitMq:Host"] = "rabbit" }));
        Assert.Equal("Resolute:RabbitMq", error.Key);
        Assert.Contains("r.UseRabbitMq()", error.Message, StringComparison.Ordinal);

        var options = ResoluteRabbitMqConfiguratorExtensions.Options(
            new Uri("amqp://app:secret@broker:5680/orders"),
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Resolute:RabbitMq:Host"] = "rabbit-2" }).Build());
        Assert.Equal(("rabbit-2", (ushort)5680, "orders", "app", "secret"), (options.Host, options.Port, options.VHost, options.User, options.Pass));

        var port = Assert.Throws<ResoluteConfigurationException>(() => ResoluteRabbitMqConfiguratorExtensions.Options(
            null, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Resolute:RabbitMq:Port"] = "five" }).Build()));
        Assert.Contains("Resolute:RabbitMq", port.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxMessageBytes_binds_from_configuration_and_a_larger_MaxPayloadBytes_alone_is_refused_naming_MaxMessageBytes()
    {
        await using (var provider = Build(r => { }, new()
        {
            ["Resolute:Worker:MaxMessageBytes"] = "3000000",
            ["Resolute:Orchestrator:MaxPayloadBytes"] = "2000000",
            ["Resolute:Orchestrator:MaxMessageBytes"] = "5000000",
        }))
        {
            Assert.Equal(8 * 1024 * 1024, new WorkerOptions().MaxMessageBytes);
            Assert.Equal(8 * 1024 * 1024, new OrchestratorOptions().MaxMessageBytes);
            Assert.Equal(3_000_000, provider.GetRequiredService<WorkerOptions>().MaxMessageBytes);
            Assert.Equal(5_000_000, provider.GetRequiredService<OrchestratorOptions>().MaxMessageBytes);
        }

        // 8 MiB of payload needs more than the default 8 MiB of message: the error names the key to raise.
        var error = Assert.Throws<ResoluteConfigurationException>(() => Build(r => { }, new() { ["Resolute:Worker:MaxPayloadBytes"] = "8388608" }));
        Assert.Equal("Resolute:Worker:MaxMessageBytes", error.Key);
        Assert.Contains("is 8388608; must be at least twice MaxPayloadBytes (8388608)", error.Message, StringComparison.Ordinal);
        Assert.Contains("raise MaxMessageBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_does_not_convert_names_its_key()
    {
        var error = Assert.Throws<ResoluteConfigurationException>(() => Build(r => { }, new() { ["Resolute:Worker:ConcurrentNodeLimit"] = "many" }));

        Assert.Contains("Resolute:Worker:ConcurrentNodeLimit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_orchestrator_without_a_connection_string_for_its_server_database_says_which_key_to_set()
    {
        var error = Assert.Throws<ResoluteConfigurationException>(() => Build(r => r.UsePostgres(), []));

        Assert.Equal("ConnectionStrings:Resolute", error.Key);
        Assert.Contains("ConnectionStrings__Resolute", error.Message, StringComparison.Ordinal);
        Assert.Contains("UsePostgres(...)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_value_set_after_AddResolute_fails_the_start_with_its_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.AddResolute(r => r.AddFlow(Echo).UseSqlite($"Data Source={Path.Combine(Path.GetTempPath(), $"resolute-config-{Guid.NewGuid():N}.db")}"));
        builder.Services.Configure<WorkerOptions>(w => w.ConcurrentNodeLimit = -1);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            using var host = builder.Build();
            await host.StartAsync();
        });

        Assert.Contains("Resolute:Worker:ConcurrentNodeLimit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_structural_setting_changed_after_AddResolute_fails_the_start_instead_of_being_ignored()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.AddResolute(r => r.AddFlow(Echo).UseSqlite($"Data Source={Path.Combine(Path.GetTempPath(), $"resolute-config-{Guid.NewGuid():N}.db")}"));
        builder.Services.Configure<OrchestratorOptions>(o => o.UseTransactionalOutbox = false);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            using var host = builder.Build();
            await host.StartAsync();
        });

        Assert.Contains("Resolute:Orchestrator:UseTransactionalOutbox: is read when AddResolute runs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task builder_AddResolute_reads_the_hosts_configuration()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Resolute:Roles"] = "None" });
        builder.AddResolute(r => r.AddFlow(Echo));
        await using var provider = builder.Services.BuildServiceProvider();

        Assert.Equal(ResoluteRoles.None, provider.GetRequiredService<ResoluteHostPlan>().Roles);
    }

    private static ServiceProvider Build(Action<ResoluteConfigurator> configure, Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolute(r =>
        {
            r.UseConfiguration(configuration).AddFlow(Echo);
            configure(r);
        });
        return services.BuildServiceProvider();
    }
}
