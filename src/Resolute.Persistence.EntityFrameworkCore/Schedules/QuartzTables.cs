using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Resolute.Persistence.EntityFrameworkCore.Schedules;

/// <summary>
/// The tables of Quartz's ADO job store (schedules), kept in the saga database under <see cref="Prefix"/> and created
/// by Resolute's migrations from the DDL Quartz ships inside its assembly, so that the schema is the one the Quartz
/// version in use validates at start-up. Every statement of that DDL creates only what is missing.
/// </summary>
public static partial class QuartzTables
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

    /// <summary>The tables Quartz's DDL for <paramref name="resource"/> creates, spelled as it spells them, parents first.</summary>
    /// <param name="resource"><see cref="PostgreSql"/>, <see cref="SqlServer"/> or <see cref="Sqlite"/>.</param>
    public static IReadOnlyList<string> CreatedTables(string resource) =>
        CreateStatements(resource).SelectMany(s => CreateTable().Matches(s)).Select(m => m.Groups["table"].Value).ToList();

    /// <summary>Drops Quartz's tables (the migration's Down), children first.</summary>
    /// <param name="migrationBuilder">The migration being reverted.</param>
    /// <param name="resource">The DDL resource the migration's Up created them with.</param>
    public static void Drop(MigrationBuilder migrationBuilder, string resource)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        // Spelled as the DDL spells them (SQL Server's is upper case): on a database with a case-sensitive collation,
        // DROP TABLE IF EXISTS of another spelling finds nothing and leaves the table behind.
        foreach (var table in CreatedTables(resource).Reverse())
        {
            migrationBuilder.Sql($"DROP TABLE IF EXISTS {table}");
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

    [GeneratedRegex(@"CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(?<table>[A-Za-z0-9_]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreateTable();
}
