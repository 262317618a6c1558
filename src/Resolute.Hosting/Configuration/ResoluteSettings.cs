using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Resolute.Client;
using Resolute.Orchestration;
using Resolute.Orchestration.Schedules;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
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

    public TransportChoice Transport { get; private set; }

    public RabbitMqTransportOptions RabbitMq { get; } = new();

    public DatabaseChoice Database { get; private set; }

    public string ConnectionString { get; private set; } = "";

    public bool ApplyMigrations { get; private set; }

    /// <summary>Whether configuration names a transport (which only <c>services.AddResolute</c> can honour).</summary>
    public bool ConfigurationNamesTransport { get; private set; }

    public OrchestratorOptions Orchestrator { get; private set; } = new();

    public WorkerOptions Worker { get; private set; } = new();

    public ScheduleOptions Schedules { get; private set; } = new();

    public ResoluteOutboxOptions Outbox { get; private set; } = new();

    public FlowClientOptions Client { get; private set; } = new();

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
        if (Code.RabbitMqAddress is { } address)
        {
            ApplyAddress(RabbitMq, address);
        }

        var value = Configuration[ResoluteConfigurationKeys.Transport];
        var rabbitSection = Configuration.GetSection(ResoluteConfigurationKeys.RabbitMq);
        ConfigurationNamesTransport = !string.IsNullOrWhiteSpace(value) || rabbitSection.GetChildren().Any();
        Transport = string.IsNullOrWhiteSpace(value)
            ? Code.Transport ?? (rabbitSection.GetChildren().Any() ? TransportChoice.RabbitMq : TransportChoice.InMemory)
            : value.Trim().ToUpperInvariant() switch
            {
                "INMEMORY" or "IN-MEMORY" => TransportChoice.InMemory,
                "RABBITMQ" => TransportChoice.RabbitMq,
                _ => throw new ResoluteConfigurationException(ResoluteConfigurationKeys.Transport, $"'{value}' is not a transport. Allowed: InMemory, RabbitMq."),
            };

        try
        {
            rabbitSection.Bind(RabbitMq);
        }
        catch (InvalidOperationException e)
        {
            throw new ResoluteConfigurationException(ResoluteConfigurationKeys.RabbitMq, $"{e.Message} Port is a number (e.g. 5672), UseSsl is true or false.", e);
        }

        if (Transport == TransportChoice.RabbitMq && string.IsNullOrWhiteSpace(RabbitMq.Host))
        {
            throw new ResoluteConfigurationException($"{ResoluteConfigurationKeys.RabbitMq}:Host", "is empty. Set the broker's host name, e.g. localhost.");
        }
    }

    private void ResolveDatabase()
    {
        var value = Configuration[ResoluteConfigurationKeys.Database];
        Database = string.IsNullOrWhiteSpace(value)
            ? Code.Database ?? DatabaseChoice.Sqlite
            : value.Trim().ToUpperInvariant() switch
            {
                "SQLITE" => DatabaseChoice.Sqlite,
                "POSTGRESQL" or "POSTGRES" => DatabaseChoice.PostgreSql,
                "SQLSERVER" => DatabaseChoice.SqlServer,
                _ => throw new ResoluteConfigurationException(ResoluteConfigurationKeys.Database, $"'{value}' is not a database Resolute supports. Allowed: Sqlite, PostgreSql, SqlServer."),
            };

        var configured = Configuration.GetConnectionString(ResoluteConfigurationKeys.ConnectionStringName);
        ConnectionString = !string.IsNullOrWhiteSpace(configured) ? configured
            : Code.ConnectionString ?? (Database == DatabaseChoice.Sqlite ? "Data Source=resolute.db" : "");
        if (ConnectionString.Length == 0 && Roles.HasFlag(ResoluteRoles.Orchestrator))
        {
            throw new ResoluteConfigurationException(
                $"ConnectionStrings:{ResoluteConfigurationKeys.ConnectionStringName}",
                $"is not set, and the code gave no connection string for {Database}. Set ConnectionStrings__{ResoluteConfigurationKeys.ConnectionStringName} (environment) or pass it to Use{Database}(...).");
        }

        var migrate = Configuration[ResoluteConfigurationKeys.ApplyMigrationsOnStartup];
        ApplyMigrations = string.IsNullOrWhiteSpace(migrate) ? Code.ApplyMigrations
            : bool.TryParse(migrate, out var parsed) ? parsed
            : throw new ResoluteConfigurationException(ResoluteConfigurationKeys.ApplyMigrationsOnStartup, $"'{migrate}' is not a boolean. Allowed: true, false.");
    }

    /// <summary>Applies an <c>amqp://user:password@host:port/vhost</c> address to MassTransit's RabbitMQ options.</summary>
    private static void ApplyAddress(RabbitMqTransportOptions options, Uri address)
    {
        if (!string.IsNullOrEmpty(address.UserInfo))
        {
            var parts = address.UserInfo.Split(':', 2);
            options.User = Uri.UnescapeDataString(parts[0]);
            options.Pass = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
        }

        var virtualHost = Uri.UnescapeDataString(address.AbsolutePath.TrimStart('/'));
        options.VHost = virtualHost.Length == 0 ? "/" : virtualHost;
        options.Host = address.Host;
        options.UseSsl = address.Scheme is "amqps" or "rabbitmqs";
        if (!address.IsDefaultPort && address.Port > 0)
        {
            options.Port = (ushort)address.Port;
        }

        options.ConnectionName ??= string.Create(CultureInfo.InvariantCulture, $"resolute/{Environment.MachineName}/{Environment.ProcessId}");
    }
}
