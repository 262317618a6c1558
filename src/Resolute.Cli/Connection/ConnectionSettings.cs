namespace Resolute.Cli.Connection;

/// <summary>The databases <c>--db</c> can read.</summary>
internal enum DatabaseKind
{
    /// <summary>PostgreSQL (Npgsql).</summary>
    Postgres,

    /// <summary>SQL Server.</summary>
    SqlServer,

    /// <summary>SQLite (a file).</summary>
    Sqlite,
}

/// <summary>Where the tool connects, resolved from the options, then the environment, then the local compose stack's defaults.</summary>
/// <param name="RabbitMq">The broker, with its credentials.</param>
/// <param name="Database">The saga database's connection string, when the read commands should read it directly.</param>
/// <param name="DatabaseKind">The database's provider, given or inferred; set whenever <paramref name="Database"/> is.</param>
/// <param name="ConnectTimeout">How long connecting may take.</param>
/// <param name="RequestTimeout">How long the orchestrator may take to answer one request.</param>
internal sealed record ConnectionSettings(Uri RabbitMq, string? Database, DatabaseKind? DatabaseKind, TimeSpan ConnectTimeout, TimeSpan RequestTimeout)
{
    /// <summary>The default broker: the local compose stack's port with RabbitMQ's default user.</summary>
    public static readonly Uri DefaultRabbitMq = new("amqp://guest:guest@localhost:5672/");

    /// <summary>The broker's address without user or password, safe to print.</summary>
    public string RabbitMqDisplay => Redact(RabbitMq);

    /// <summary><paramref name="address"/> without its user information.</summary>
    public static string Redact(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var port = address.IsDefaultPort || address.Port <= 0 ? (address.Scheme == "amqps" ? 5671 : 5672) : address.Port;
        return $"{address.Scheme}://{address.Host}:{port}{address.AbsolutePath}";
    }
}
