using Microsoft.Extensions.Configuration;
using Resolute.Client;
using Resolute.Health;
using Resolute.Orchestration;
using Resolute.Orchestration.Schedules;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.Sqlite;
using Resolute.Workers;
using static Resolute.ResoluteConfigurator;

namespace Resolute;

/// <summary>
/// What <c>AddResolute</c> decides when it registers services: the code's settings with configuration applied over them,
/// each value checked with its key named. Values that only steer running components are also registered as
/// <c>IOptions&lt;T&gt;</c> (see <see cref="ResoluteOptionsRegistration"/>) and checked again at start.
/// </summary>
internal sealed class ResoluteSettings
{
    private ResoluteSettings(ResoluteConfigurator code, IConfiguration configuration)
    {
        Code = code;
        Configuration = configuration;
    }

    public ResoluteConfigurator Code { get; }

    /// <summary>The configuration read: the one given, or environment variables.</summary>
    public IConfiguration Configuration { get; }

    public ResoluteRoles Roles { get; private set; }

    /// <summary>The transport set in code, or null: in-memory.</summary>
    public TransportRegistration? Transport => Code.Transport;

    /// <summary>The saga database (created only for an orchestrator).</summary>
    public ResoluteDatabaseProvider? Database { get; private set; }

    public bool ApplyMigrations { get; private set; }

    /// <summary>Whether configuration has transport settings (which only <c>services.AddResolute</c> can honour).</summary>
    public bool ConfigurationNamesTransport { get; private set; }

    public OrchestratorOptions Orchestrator { get; private set; } = new();

    public WorkerOptions Worker { get; private set; } = new();

    public ScheduleOptions Schedules { get; private set; } = new();

    public ResoluteOutboxOptions Outbox { get; private set; } = new();

    public FlowClientOptions Client { get; private set; } = new();

    public ResoluteHealthOptions Health { get; private set; } = new();

    public ResoluteTelemetryOptions Telemetry { get; private set; } = new();

    /// <summary>Resolves and checks every setting; throws <see cref="ResoluteConfigurationException"/> naming the first bad key.</summary>
    public static ResoluteSettings Resolve(ResoluteConfigurator code)
    {
        var configuration = code.Configuration ?? new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var settings = new ResoluteSettings(code, configuration);
        settings.ResolveRoles();
        settings.ResolveTransport();
        settings.ResolveDatabase();
        settings.Orchestrator = Bind(code.OrchestratorActions, configuration, ResoluteConfigurationKeys.Orchestrator, ResoluteOptionsValidation.Orchestrator);
        settings.Worker = Bind(code.WorkerActions, configuration, ResoluteConfigurationKeys.Worker, ResoluteOptionsValidation.Worker);
        settings.Schedules = Bind(code.ScheduleActions, configuration, ResoluteConfigurationKeys.Schedules, ResoluteOptionsValidation.Schedules);
        settings.Outbox = Bind(code.OutboxActions, configuration, ResoluteConfigurationKeys.Outbox, ResoluteOptionsValidation.Outbox);
        settings.Client = Bind(code.ClientActions, configuration, ResoluteConfigurationKeys.Client, ResoluteOptionsValidation.Client);
        settings.Health = Bind(code.HealthActions, configuration, ResoluteConfigurationKeys.Health, ResoluteOptionsValidation.Health);
        settings.Telemetry = Bind(code.TelemetryActions, configuration, ResoluteConfigurationKeys.Telemetry, ResoluteOptionsValidation.Telemetry);
        return settings;
    }

    /// <summary>A fresh <typeparamref name="T"/> with the code's actions, then the section, applied; checked with key names.</summary>
    public static T Bind<T>(IEnumerable<Action<T>> actions, IConfiguration configuration, string sectionKey, Action<T> validate)
        where T : class, new()
    {
        var options = new T();
        Apply(options, actions, configuration, sectionKey);
        ResoluteOptionsValidation.Check(sectionKey, options, validate);
        return options;
    }

    /// <summary>Applies the code's actions, then the configuration section, to <paramref name="options"/>.</summary>
    public static void Apply<T>(T options, IEnumerable<Action<T>> actions, IConfiguration configuration, string sectionKey)
        where T : class
    {
        foreach (var action in actions)
        {
            action(options);
        }

        var section = configuration.GetSection(sectionKey);
        var queues = options is WorkerOptions worker ? worker.TaskQueues : null;
        var queuesSection = section.GetSection(nameof(WorkerOptions.TaskQueues));
        var configuredQueues = queues is not null && (queuesSection.Value is not null || queuesSection.GetChildren().Any());
        if (configuredQueues)
        {
            // Configuration replaces the code's queues (the binder would append to them).
            queues!.Clear();
        }

        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new ResoluteConfigurationException(sectionKey, $"{e.Message} Fix the value or remove the key.", e);
        }

        if (configuredQueues && queuesSection.Value is { } list)
        {
            // One value, e.g. Resolute__Worker__TaskQueues=orders,emails.
            queues!.Clear();
            queues.AddRange(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
    }

    private void ResolveRoles()
    {
        var value = Configuration[ResoluteConfigurationKeys.Roles];
        if (string.IsNullOrWhiteSpace(value))
        {
            Roles = Code.CodeRoles ?? ResoluteRoles.All;
            return;
        }

        var roles = ResoluteRoles.None;
        foreach (var part in value.Split([',', ';', '|', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            roles |= part.ToUpperInvariant() switch
            {
                "ORCHESTRATOR" => ResoluteRoles.Orchestrator,
                "WORKER" => ResoluteRoles.Worker,
                "ALL" => ResoluteRoles.All,
                "NONE" or "CLIENT" => ResoluteRoles.None,
                _ => throw new ResoluteConfigurationException(
                    ResoluteConfigurationKeys.Roles,
                    $"'{value}' is not a list of roles: '{part}' is unknown. Allowed: Orchestrator, Worker, Orchestrator,Worker (or All), None (client only)."),
            };
        }

        Roles = roles;
    }

    private void ResolveTransport()
    {
        ConfigurationNamesTransport = Configuration.GetSection(ResoluteConfigurationKeys.RabbitMq).GetChildren().Any();
    }

    private void ResolveDatabase()
    {
        var database = Code.Database ?? new DatabaseRegistration("Sqlite", cs => new SqliteDatabaseProvider(cs), null, "Data Source=resolute.db");
        var configured = Configuration.GetConnectionString(ResoluteConfigurationKeys.ConnectionStringName);
        var connectionString = !string.IsNullOrWhiteSpace(configured) ? configured : database.ConnectionString ?? database.DefaultConnectionString;
        if (Roles.HasFlag(ResoluteRoles.Orchestrator))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new ResoluteConfigurationException(
                    $"ConnectionStrings:{ResoluteConfigurationKeys.ConnectionStringName}",
                    $"is not set, and the code gave no connection string for {database.Name}. Set ConnectionStrings__{ResoluteConfigurationKeys.ConnectionStringName} (environment) or pass it to Use{database.Name}(...).");
            }

            Database = database.Create(connectionString);
        }

        var migrate = Configuration[ResoluteConfigurationKeys.ApplyMigrationsOnStartup];
        ApplyMigrations = string.IsNullOrWhiteSpace(migrate) ? Code.ApplyMigrations
            : bool.TryParse(migrate, out var parsed) ? parsed
            : throw new ResoluteConfigurationException(ResoluteConfigurationKeys.ApplyMigrationsOnStartup, $"'{migrate}' is not a boolean. Allowed: true, false.");
    }
}
