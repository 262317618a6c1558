using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.PostgreSql;
using Resolute.Persistence.Sqlite;
using Resolute.Persistence.SqlServer;

using Resolute.Cli.Rendering;
namespace Resolute.Cli.Connection;

/// <summary>Opens the saga database named by <c>--db</c> with the provider of <c>--db-provider</c> (or the one inferred).</summary>
internal sealed class DatabaseRunReaderFactory : IRunReaderFactory
{
    private static readonly string[] SqliteFileKeys = ["Data Source", "DataSource", "Filename"];

    /// <inheritdoc />
    public async Task<IRunReader> OpenDatabaseAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var connectionString = settings.Database ?? throw new InvalidOperationException("No --db connection string.");
        var kind = settings.DatabaseKind ?? ConnectionOptions.InferProvider(connectionString);
        var where = Describe(kind, connectionString);
        ResoluteDatabaseProvider provider;
        try
        {
            provider = kind switch
            {
                DatabaseKind.Postgres => new PostgreSqlDatabaseProvider(connectionString),
                DatabaseKind.SqlServer => new SqlServerDatabaseProvider(connectionString),
                _ => new SqliteDatabaseProvider(connectionString),
            };
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, $"--db is not a {kind} connection string: {Failures.OneLine(e.Message)}", e);
        }

        if (kind == DatabaseKind.Sqlite && SqliteFile(connectionString) is { } file && !File.Exists(file))
        {
            // SQLite would create an empty file and answer "no such run": say what is wrong instead.
            throw new CliException(ExitCodes.CannotConnect, $"cannot open {where} (no such file)");
        }

        var options = new DbContextOptionsBuilder<ResoluteDbContext>();
        provider.Configure(options);
        var db = new ResoluteDbContext(options.Options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            await db.Database.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is DbException or OperationCanceledException or TimeoutException or InvalidOperationException or ArgumentException)
        {
            await db.DisposeAsync().ConfigureAwait(false);
            var reason = e is OperationCanceledException or TimeoutException ? $"no answer within {Styles.Seconds(settings.ConnectTimeout)}" : Failures.OneLine(e.Message);
            throw new CliException(ExitCodes.CannotConnect, $"cannot connect to {where} ({reason})", e);
        }

        return new DatabaseRunReader(db, where);
    }

    /// <summary>The database as people name it — provider, server, database — never the password.</summary>
    internal static string Describe(DatabaseKind kind, string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return $"the {kind} database";
        }

        string? Get(params string[] keys) => keys.Select(k => builder.TryGetValue(k, out var v) ? v?.ToString() : null).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        return kind switch
        {
            DatabaseKind.Sqlite => $"the SQLite database at {Get("Data Source", "DataSource", "Filename") ?? "?"}",
            DatabaseKind.Postgres => $"the PostgreSQL database {Get("Database") ?? "?"} at {Get("Host", "Server") ?? "?"}:{Get("Port") ?? "5432"}",
            _ => $"the SQL Server database {Get("Database", "Initial Catalog") ?? "?"} at {Get("Server", "Data Source", "Address") ?? "?"}",
        };
    }

    private static string? SqliteFile(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return null;
        }

        var file = SqliteFileKeys.Select(k => builder.TryGetValue(k, out var v) ? v?.ToString() : null).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        return file is null or ":memory:" || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? null : file;
    }
}
