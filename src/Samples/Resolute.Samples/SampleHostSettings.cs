using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Resolute.Samples;

/// <summary>
/// Where a sample runs, from configuration (environment variables with <c>__</c>, or <c>--Key:Sub=value</c> arguments):
/// embedded by default — in-memory transport and a SQLite file in the temp folder, nothing to install — or on RabbitMQ
/// and PostgreSQL or SQL Server (the compose stack's services):
/// <list type="bullet">
/// <item><c>Resolute:RabbitMq:Host</c> set: RabbitMQ (<c>r.UseRabbitMq()</c>, which reads <c>Resolute:RabbitMq:Host</c>, <c>Port</c>, <c>VHost</c>, <c>User</c>, <c>Pass</c>, <c>UseSsl</c>).</item>
/// <item><c>Samples:Database</c>: <c>Sqlite</c> (default), <c>Postgres</c> or <c>SqlServer</c>, with the connection string <c>ConnectionStrings:Resolute</c> (required for the last two).</item>
/// </list>
/// The process is orchestrator and worker either way.
/// </summary>
internal sealed class SampleHostSettings
{
    public const string DatabaseKey = "Samples:Database";
    public const string RabbitMqHostKey = "Resolute:RabbitMq:Host";
    public const string ConnectionStringKey = "ConnectionStrings:Resolute";

    private SampleHostSettings(string[] hostArgs, string? rabbitMqHost, string? rabbitMqPort, string database, string? connectionString)
    {
        HostArgs = hostArgs;
        RabbitMqHost = rabbitMqHost;
        RabbitMqPort = rabbitMqPort;
        Database = database;
        ConnectionString = connectionString;
    }

    /// <summary>The configuration arguments, passed on to the host so that Resolute reads the same keys.</summary>
    public string[] HostArgs { get; }

    public string? RabbitMqHost { get; }

    public string? RabbitMqPort { get; }

    /// <summary><c>Sqlite</c>, <c>Postgres</c> or <c>SqlServer</c>.</summary>
    public string Database { get; }

    /// <summary>The configured connection string; null: a SQLite temp file.</summary>
    public string? ConnectionString { get; }

    public bool IsEmbedded => RabbitMqHost is null && Database == "Sqlite" && ConnectionString is null;

    /// <summary>Reads the settings from the environment and <paramref name="hostArgs"/> (the <c>--Key:Sub=value</c> arguments).</summary>
    public static SampleHostSettings Read(string[] hostArgs, IDictionary<string, string?>? environment = null)
    {
        IConfigurationBuilder builder = new ConfigurationBuilder();
        builder = environment is null ? builder.AddEnvironmentVariables() : builder.AddInMemoryCollection(environment);
        var configuration = builder.AddCommandLine(hostArgs).Build();

        var rabbit = Blank(configuration[RabbitMqHostKey]);
        var connectionString = Blank(configuration[ConnectionStringKey]);
        var database = Blank(configuration[DatabaseKey]);
        if (database is null && connectionString is not null)
        {
            throw new SampleUsageException(
                $"{ConnectionStringKey} is set but {DatabaseKey} is not: say which database it names (Samples__Database=Postgres, SqlServer or Sqlite).");
        }

        database = database switch
        {
            null => "Sqlite",
            _ when database.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) => "Sqlite",
            _ when database.Equals("Postgres", StringComparison.OrdinalIgnoreCase) => "Postgres",
            _ when database.Equals("SqlServer", StringComparison.OrdinalIgnoreCase) => "SqlServer",
            _ => throw new SampleUsageException($"{DatabaseKey} is '{database}'; allowed: Sqlite (default), Postgres, SqlServer."),
        };
        if (database != "Sqlite" && connectionString is null)
        {
            throw new SampleUsageException($"{DatabaseKey}={database} needs the connection string {ConnectionStringKey} (environment: ConnectionStrings__Resolute).");
        }

        return new SampleHostSettings(hostArgs, rabbit, Blank(configuration["Resolute:RabbitMq:Port"]), database, connectionString);
    }

    /// <summary>One line saying where the sample runs.</summary>
    public string Describe(string? sqliteFile) =>
        (RabbitMqHost is null ? "in-memory transport" : $"RabbitMQ {RabbitMqHost}{(RabbitMqPort is null ? "" : $":{RabbitMqPort}")}")
        + ", "
        + (ConnectionString is null ? $"SQLite {sqliteFile}" : $"{Database} ({ConnectionStringKey})")
        + (IsEmbedded ? " (embedded)" : "");

    /// <summary>Applies the transport and database to a Resolute configuration.</summary>
    public void Apply(ResoluteConfigurator resolute, string sqliteFile)
    {
        if (RabbitMqHost is not null)
        {
            resolute.UseRabbitMq();
        }

        // The connection string itself comes from ConnectionStrings:Resolute, which Resolute reads over the code's.
        _ = Database switch
        {
            "Postgres" => resolute.UsePostgres(),
            "SqlServer" => resolute.UseSqlServer(),
            _ => resolute.UseSqlite(ConnectionString is null ? $"Data Source={sqliteFile}" : null),
        };
    }

    /// <summary>Quiet hosts: the samples print their own lines; warnings and errors still show.</summary>
    public static void QuietLogging(ILoggingBuilder logging)
    {
        logging.SetMinimumLevel(LogLevel.Warning);

        // A node that throws is logged as a warning with its stack trace; the samples' failures are on purpose and the
        // timeline already prints them.
        logging.AddFilter("Resolute.Workers.Consumers.NodeCommandConsumer", LogLevel.Error);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
