using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Infrastructure;

namespace Resolute.IntegrationTests.Hosting;

/// <summary>
/// Resolute inside an application that has its own MassTransit bus and consumers, on real RabbitMQ and PostgreSQL, in
/// each of the three forms: on the application's bus (<c>x.AddResolute</c>), on a bus of its own created by
/// <c>services.AddResolute</c> (after the application's <c>AddMassTransit</c>, so a second one), and on a MultiBus bus the
/// application configures. In each, a run completes and the application's own consumer gets its message.
/// </summary>
[Trait("Area", "Hosting")]
public sealed class ApplicationBusScenario : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly Flow Shout = Flow.Create("app-bus-shout")
        .TriggeredBy(Trigger.Manual())
        .Then(Node.Create<string, string>("upper", (s, _) => Task.FromResult(s.ToUpperInvariant())))
        .Then(Node.Create<string, string>("exclaim", (s, _) => Task.FromResult(s + "!")).WithInput(state => state.Get<string>("upper")))
        .Build();

    private ScratchServers _servers = null!;

    public enum Form
    {
        OnTheApplicationsBus,
        OwnBusAddedAfterTheApplicationsBus,
        MultiBusConfiguredByTheApplication,
    }

    public async Task InitializeAsync() => _servers = await ScratchServers.CreateAsync("appbus");

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Theory]
    [InlineData(Form.OnTheApplicationsBus)]
    [InlineData(Form.OwnBusAddedAfterTheApplicationsBus)]
    [InlineData(Form.MultiBusConfiguredByTheApplication)]
    public async Task A_run_completes_and_the_applications_own_consumer_gets_its_message(Form form)
    {
        var greetings = new GreetingLog();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(greetings);
        Compose(builder.Services, form);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<IFlowClient>();
            var runId = await client.StartAsync(Shout.Name, "hello");
            await host.Services.GetRequiredService<IBus>().Publish(new Greeting("from the app"));

            var run = await client.WaitForCompletionAsync(runId, Deadline);
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Equal("HELLO!", run.State.Get<string>("exclaim"));
            await greetings.WaitForAsync("from the app", Deadline);

            // Resolute's consumers stay out of the application's ConfigureEndpoints: no queue of their default names.
            var queues = await _servers.QueueNamesAsync();
            Assert.Contains("resolute-orchestrator", queues);
            Assert.Contains("Greeting", queues);
            Assert.DoesNotContain(queues, q => q is "FlowRunState" or "NodeCommand" or "FlowRunQuery" or "FlowSchedule" or "NodeCancellation");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private void Compose(IServiceCollection services, Form form)
    {
        void Resolute(ResoluteConfigurator r) => r.AddFlow(Shout).UsePostgres(_servers.PostgresConnectionString);
        void ApplicationBus(IServiceCollection s, Action<IBusRegistrationConfigurator>? more = null) => s.AddMassTransit(x =>
        {
            x.AddConsumer<GreetingConsumer>();
            more?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(_servers.RabbitMqUri);
                cfg.ConfigureEndpoints(context);
            });
        });

        switch (form)
        {
            case Form.OnTheApplicationsBus:
                ApplicationBus(services, x => x.AddResolute(Resolute));
                break;
            case Form.OwnBusAddedAfterTheApplicationsBus:
                ApplicationBus(services);
                services.AddResolute(r => Resolute(r.UseRabbitMq(_servers.RabbitMqUri)));
                break;
            case Form.MultiBusConfiguredByTheApplication:
                ApplicationBus(services);
                services.AddMassTransit<IResoluteBus>(x =>
                {
                    x.AddResolute(Resolute);
                    x.UsingRabbitMq((_, cfg) => cfg.Host(_servers.RabbitMqUri));
                });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(form), form, null);
        }
    }
}

/// <summary>The application's own message.</summary>
public sealed record Greeting(string Text);

/// <summary>The application's own consumer.</summary>
public sealed class GreetingConsumer(GreetingLog log) : IConsumer<Greeting>
{
    public Task Consume(ConsumeContext<Greeting> context)
    {
        log.Add(context.Message.Text);
        return Task.CompletedTask;
    }
}

/// <summary>What <see cref="GreetingConsumer"/> received.</summary>
public sealed class GreetingLog
{
    private readonly TaskCompletionSource<string> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(string text) => _first.TrySetResult(text);

    public async Task WaitForAsync(string text, TimeSpan timeout) => Assert.Equal(text, await _first.Task.WaitAsync(timeout));
}
