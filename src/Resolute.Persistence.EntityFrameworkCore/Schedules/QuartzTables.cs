using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Resolute.Persistence.EntityFrameworkCore.Schedules;

/// <summary>
/// The tables of Quartz's ADO job store (schedules), kept in the saga database under <see cref="Prefix"/> and created
/// by Resolute's migrations from the DDL Quartz ships inside its assembly, so that the schema is the one the Quartz
/// version in use validates at start-up. Every statement of that DDL creates only what is missing.
/// </summary>
public static class QuartzTables
{
    /// <summary>The table prefix of Quartz's tables: <c>resolute_qrtz_triggers</c>, <c>resolute_qrtz_locks</c>, ...</summary>
    public const string Prefix = "resolute_qrtz_";

    /// <summary>The DDL resource of PostgreSQL.</summary>
    public const string PostgreSql = "create_postgres.sql";

    /// <summary>The DDL resource of SQL Server.</summary>
    public const string SqlServer = "create_sqlServer.sql";

    /// <summary>The DDL resource of SQLite.</summary>
    public const string Sqlite = "create_sqlite.sql";

    /// <summary>Quartz's tables, children before parents (the order to drop them in).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "blob_triggers", "cron_triggers", "simple_triggers", "simprop_triggers", "fired_triggers", "execution_history",
        "misfire_history", "job_status", "paused_trigger_grps", "paused_job_grps", "scheduler_state", "locks", "calendars",
        "triggers", "job_details",
    ];

    /// <summary>The statements of Quartz's DDL for <paramref name="resource"/>, with <see cref="Prefix"/> filled in.</summary>
    /// <param name="resource"><see cref="PostgreSql"/>, <see cref="SqlServer"/> or <see cref="Sqlite"/>.</param>
    public static IReadOnlyList<string> CreateStatements(string resource)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resource);
        var name = "Quartz.Impl.AdoJobStore.Schema." + resource;
        using var stream = typeof(Quartz.IScheduler).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The Quartz assembly carries no schema resource '{name}'.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var statements = new List<string>();
        var current = new StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            // Statements are separated by a line reading exactly '--;;'.
            if (line.TrimEnd('\r') == "--;;")
            {
                Add(statements, current);
                continue;
            }

            current.AppendLine(line.TrimEnd('\r'));
        }

        Add(statements, current);
        return statements;
    }

    /// <summary>Adds Quartz's tables to a migration (<c>migrationBuilder.Sql</c>, one statement each).</summary>
    /// <param name="migrationBuilder">The migration being built.</param>
    /// <param name="resource"><see cref="PostgreSql"/>, <see cref="SqlServer"/> or <see cref="Sqlite"/>.</param>
    public static void Create(MigrationBuilder migrationBuilder, string resource)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        foreach (var statement in CreateStatements(resource))
        {
            migrationBuilder.Sql(statement);
        }
    }

    /// <summary>Drops Quartz's tables (the migration's Down).</summary>
    /// <param name="migrationBuilder">The migration being reverted.</param>
    public static void Drop(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        foreach (var table in Names)
        {
            migrationBuilder.Sql($"DROP TABLE IF EXISTS {Prefix}{table}");
        }
    }

    private static void Add(List<string> statements, StringBuilder current)
    {
        var text = current.ToString();
        current.Clear();

        // Comment-only pieces (the header) are not statements.
        var hasCode = text.Split('\n').Any(l => l.Trim() is { Length: > 0 } t && !t.StartsWith("--", StringComparison.Ordinal));
        if (hasCode)
        {
            // '{0}' is the prefix, '{1}' the prefix without a schema qualifier (ours has none).
            statements.Add(string.Format(CultureInfo.InvariantCulture, text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)
                .Replace("{{0}}", "{0}", StringComparison.Ordinal).Replace("{{1}}", "{1}", StringComparison.Ordinal), Prefix, Prefix).Trim());
        }
    }
}
