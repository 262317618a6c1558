using System.CommandLine;
using System.CommandLine.Parsing;

namespace Resolute.Cli.Connection;

/// <summary>
/// The connection options every command takes (<c>--rabbitmq</c>, <c>--db</c>, <c>--db-provider</c>,
/// <c>--connect-timeout</c>, <c>--request-timeout</c>) and how they resolve against the environment.
/// </summary>
internal sealed class ConnectionOptions
{
    /// <summary>The broker address variable.</summary>
    public const string RabbitMqVariable = "RESOLUTE_RABBITMQ";

    /// <summary>The saga database variable.</summary>
    public const string DatabaseVariable = "RESOLUTE_DB";

    /// <summary>The saga database provider variable.</summary>
    public const string DatabaseProviderVariable = "RESOLUTE_DB_PROVIDER";

    /// <summary>The prefix of the services' own RabbitMQ keys (docker-compose.yml sets these).</summary>
    public const string ServiceKeyPrefix = "Resolute__RabbitMq__";

    public ConnectionOptions()
    {
        RabbitMq = new Option<string?>("--rabbitmq")
        {
            Description = $"The broker, amqp://user:pass@host:port/vhost (amqps:// for TLS). Default: ${RabbitMqVariable}, else the {ServiceKeyPrefix}Host/Port/VHost/User/Pass variables, else amqp://guest:guest@localhost:5672/.",
            HelpName = "uri",
            Recursive = true,
        };
        Database = new Option<string?>("--db")
        {
            Description = $"The saga database's connection string: status, runs and history read it directly, no broker needed. Default: ${DatabaseVariable}.",
            HelpName = "connection-string",
            Recursive = true,
        };
        DatabaseProvider = new Option<string?>("--db-provider")
        {
            Description = $"The --db database: postgres, sqlserver or sqlite. Default: ${DatabaseProviderVariable}, else inferred from the connection string.",
            HelpName = "provider",
            Recursive = true,
        };
        DatabaseProvider.AcceptOnlyFromAmong("postgres", "sqlserver", "sqlite");
        ConnectTimeout = DurationOption("--connect-timeout", "How long connecting to the broker or database may take", TimeSpan.FromSeconds(10));
        RequestTimeout = DurationOption("--request-timeout", "How long the orchestrator may take to answer one request", TimeSpan.FromSeconds(30));
    }

    public Option<string?> RabbitMq { get; }

    public Option<string?> Database { get; }

    public Option<string?> DatabaseProvider { get; }

    public DurationOption ConnectTimeout { get; }

    public DurationOption RequestTimeout { get; }

    /// <summary>Adds the options to the root command, recursively to every command.</summary>
    public void AddTo(Command root)
    {
        root.Options.Add(RabbitMq);
        root.Options.Add(Database);
        root.Options.Add(DatabaseProvider);
        root.Options.Add(ConnectTimeout.Option);
        root.Options.Add(RequestTimeout.Option);
    }

    /// <summary>Options first, then the environment, then the defaults.</summary>
    /// <exception cref="CliException">An address or provider that cannot be used (exit code 2).</exception>
    public ConnectionSettings Resolve(ParseResult parse, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(environment);
        var rabbitMq = ResolveRabbitMq(parse.GetValue(RabbitMq), environment);
        var database = NonEmpty(parse.GetValue(Database)) ?? NonEmpty(environment(DatabaseVariable));
        DatabaseKind? kind = null;
        if (database is not null)
        {
            var provider = NonEmpty(parse.GetValue(DatabaseProvider)) ?? NonEmpty(environment(DatabaseProviderVariable));
            kind = provider is null ? InferProvider(database) : ParseProvider(provider);
        }

        return new ConnectionSettings(rabbitMq, database, kind, ConnectTimeout.Get(parse), RequestTimeout.Get(parse));
    }

    /// <summary>Which provider a connection string is for, from its keys; a usage error naming the choices when it cannot tell.</summary>
    public static DatabaseKind InferProvider(string connectionString)
    {
        var keys = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)[0].Trim().ToUpperInvariant())
            .ToHashSet();
        if (keys.Contains("HOST") || keys.Contains("USERNAME"))
        {
            return DatabaseKind.Postgres;
        }

        if (keys.Contains("INITIAL CATALOG") || keys.Contains("TRUSTSERVERCERTIFICATE") || keys.Contains("INTEGRATED SECURITY") ||
            keys.Contains("USER ID") || (keys.Contains("SERVER") && keys.Contains("DATABASE")))
        {
            return DatabaseKind.SqlServer;
        }

        if (keys.Contains("DATA SOURCE") || keys.Contains("FILENAME"))
        {
            return DatabaseKind.Sqlite;
        }

        throw new CliException(ExitCodes.Usage,
            "cannot tell which database --db is for (no Host=, Server=/Initial Catalog= or Data Source= in it); add --db-provider postgres|sqlserver|sqlite");
    }

    private static DatabaseKind ParseProvider(string provider) => provider.ToUpperInvariant() switch
    {
        "POSTGRES" or "POSTGRESQL" => DatabaseKind.Postgres,
        "SQLSERVER" => DatabaseKind.SqlServer,
        "SQLITE" => DatabaseKind.Sqlite,
        _ => throw new CliException(ExitCodes.Usage, $"unknown database provider '{provider}' (from ${DatabaseProviderVariable}); allowed: postgres, sqlserver, sqlite"),
    };

    private static Uri ResolveRabbitMq(string? option, Func<string, string?> environment)
    {
        if (NonEmpty(option) is { } given)
        {
            return ParseAddress(given, "--rabbitmq");
        }

        if (NonEmpty(environment(RabbitMqVariable)) is { } variable)
        {
            return ParseAddress(variable, $"${RabbitMqVariable}");
        }

        // The services' keys, as docker-compose.yml sets them; unset parts keep the default's.
        var host = NonEmpty(environment(ServiceKeyPrefix + "Host"));
        var port = NonEmpty(environment(ServiceKeyPrefix + "Port"));
        var virtualHost = NonEmpty(environment(ServiceKeyPrefix + "VHost"));
        var user = NonEmpty(environment(ServiceKeyPrefix + "User"));
        var pass = environment(ServiceKeyPrefix + "Pass");
        if (host is null && port is null && virtualHost is null && user is null && pass is null)
        {
            return ConnectionSettings.DefaultRabbitMq;
        }

        var builder = new UriBuilder(ConnectionSettings.DefaultRabbitMq)
        {
            Host = host ?? "localhost",
            UserName = Uri.EscapeDataString(user ?? "guest"),
            Password = Uri.EscapeDataString(pass ?? "guest"),
            Path = virtualHost is null or "/" ? "/" : "/" + Uri.EscapeDataString(virtualHost),
        };
        if (port is not null)
        {
            builder.Port = int.TryParse(port, out var number) && number is > 0 and < 65536
                ? number
                : throw new CliException(ExitCodes.Usage, $"${ServiceKeyPrefix}Port is '{port}'; it must be a port number, e.g. 5672");
        }

        return builder.Uri;
    }

    private static Uri ParseAddress(string text, string source)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            throw new CliException(ExitCodes.Usage, $"{source} must be an amqp:// or amqps:// address, e.g. amqp://guest:guest@localhost:5672/");
        }

        return uri;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DurationOption DurationOption(string name, string what, TimeSpan @default) =>
        DurationParser.Option(name, $"{what}: {DurationParser.Forms}. Default {@default.TotalSeconds:0}s.", @default, recursive: true);
}
