using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Resolute.Client;
using Resolute.Health;
using Resolute.Orchestration;
using Resolute.Orchestration.Schedules;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Workers;

namespace Resolute;

/// <summary>
/// Registers Resolute's options types as <c>IOptions&lt;T&gt;</c>: the code's actions, then the configuration section, then
/// any <c>services.Configure&lt;T&gt;</c> of the application; checked at start (<c>ValidateOnStart</c>) with the key named.
/// The components take the options' values (<c>T</c>) as singletons resolved from <c>IOptions&lt;T&gt;</c>.
/// </summary>
internal static class ResoluteOptionsRegistration
{
    public static void Add(IServiceCollection services, ResoluteSettings settings)
    {
        var code = settings.Code;
        Add(services, code.OrchestratorActions, settings.Configuration, ResoluteConfigurationKeys.Orchestrator, ResoluteOptionsValidation.Orchestrator);
        Add(services, code.WorkerActions, settings.Configuration, ResoluteConfigurationKeys.Worker, ResoluteOptionsValidation.Worker);
        Add(services, code.ScheduleActions, settings.Configuration, ResoluteConfigurationKeys.Schedules, ResoluteOptionsValidation.Schedules);
        Add(services, code.OutboxActions, settings.Configuration, ResoluteConfigurationKeys.Outbox, ResoluteOptionsValidation.Outbox);
        Add(services, code.ClientActions, settings.Configuration, ResoluteConfigurationKeys.Client, ResoluteOptionsValidation.Client);
        Add(services, code.HealthActions, settings.Configuration, ResoluteConfigurationKeys.Health, ResoluteOptionsValidation.Health);
        Add(services, code.TelemetryActions, settings.Configuration, ResoluteConfigurationKeys.Telemetry, ResoluteOptionsValidation.Telemetry);

        // The client talks to the orchestrator's queues unless it was told other names.
        services.AddOptions<FlowClientOptions>().PostConfigure<IOptions<OrchestratorOptions>>((client, orchestrator) =>
        {
            var defaults = new FlowClientOptions();
            if (client.QueryQueueName == defaults.QueryQueueName)
            {
                client.QueryQueueName = orchestrator.Value.QueryQueueName;
            }

            if (client.OrchestratorQueueName == defaults.OrchestratorQueueName)
            {
                client.OrchestratorQueueName = orchestrator.Value.QueueName;
            }
        });
    }

    private static void Add<T>(IServiceCollection services, List<Action<T>> actions, IConfiguration configuration, string sectionKey, Action<T> validate)
        where T : class, new()
    {
        var codeActions = actions.ToList();
        services.AddOptions<T>()
            .Configure(o => ResoluteSettings.Apply(o, codeActions, configuration, sectionKey))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new ResoluteOptionsValidator<T>(sectionKey, validate));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
    }
}
