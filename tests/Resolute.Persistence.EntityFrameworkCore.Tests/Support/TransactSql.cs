using System.Text;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// What SQL Server's own parser (ScriptDom's <see cref="TSql160Parser"/>, the T-SQL of SQL Server 2022) makes of SQL that
/// Resolute sends to SQL Server: the syntax errors, and the parsed fragments in document order, so that a test can check
/// more than syntax (the tables, columns, lock hints and parameters a statement names). No server is involved.
/// </summary>
public sealed class TransactSql
{
    private TransactSql(string sql, TSqlFragment? fragment, IReadOnlyList<ParseError> errors)
    {
        Sql = sql;
        Fragment = fragment;
        Errors = errors;
        Nodes = fragment is null ? [] : FragmentCollector.Collect(fragment);
    }

    /// <summary>The text parsed.</summary>
    public string Sql { get; }

    /// <summary>The parse tree (null only when the parser gave up at once).</summary>
    public TSqlFragment? Fragment { get; }

    /// <summary>The parser's errors; empty when SQL Server would accept the syntax.</summary>
    public IReadOnlyList<ParseError> Errors { get; }

    /// <summary>Every fragment of the tree, parents before children, in document order.</summary>
    public IReadOnlyList<TSqlFragment> Nodes { get; }

    /// <summary>The statements of every batch (a batch ends at <c>GO</c>), nested ones (IF, BEGIN…END) not listed apart.</summary>
    public IReadOnlyList<TSqlStatement> TopLevelStatements =>
        Fragment is TSqlScript script ? script.Batches.SelectMany(b => b.Statements).ToList() : [];

    /// <summary>Parses <paramref name="sql"/> with quoted identifiers on (how SqlClient and EF Core connect).</summary>
    /// <param name="sql">One statement or a script with <c>GO</c> separators.</param>
    public static TransactSql Parse(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        return new TransactSql(sql, fragment, errors.ToList());
    }

    /// <summary>The fragments of type <typeparamref name="T"/>, in document order.</summary>
    public IEnumerable<T> All<T>()
        where T : TSqlFragment => Nodes.OfType<T>();

    /// <summary>Fails with every parse error, its position and its line, unless the SQL parsed cleanly.</summary>
    /// <param name="what">Names the SQL in the failure message.</param>
    public void AssertParses(string what)
    {
        if (Errors.Count == 0)
        {
            return;
        }

        var lines = Sql.Split('\n');
        var message = new StringBuilder($"SQL Server's parser rejects {what}: {Errors.Count} error(s)");
        foreach (var error in Errors)
        {
            var line = error.Line >= 1 && error.Line <= lines.Length ? lines[error.Line - 1].TrimEnd('\r') : string.Empty;
            message.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n  line {error.Line}, column {error.Column}: {error.Message}\n    {line}");
        }

        Assert.Fail(message.ToString());
    }

    /// <summary>The table of <paramref name="name"/> without schema or database (the last part, unquoted).</summary>
    public static string TableName(SchemaObjectName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.BaseIdentifier.Value;
    }

    /// <summary>The column a reference names (its last part, unquoted), e.g. <c>next_start_ticks</c> of <c>l.next_start_ticks</c>.</summary>
    public static string? ColumnName(ColumnReferenceExpression column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.MultiPartIdentifier?.Identifiers.LastOrDefault()?.Value;
    }

    /// <summary>Collects every fragment (the visitor calls <see cref="Visit(TSqlFragment)"/> for each node, whatever its type).</summary>
    private sealed class FragmentCollector : TSqlFragmentVisitor
    {
        private readonly List<TSqlFragment> _nodes = [];

        public static List<TSqlFragment> Collect(TSqlFragment root)
        {
            var collector = new FragmentCollector();
            root.Accept(collector);
            return collector._nodes;
        }

        public override void Visit(TSqlFragment node) => _nodes.Add(node);
    }
}

/// <summary>
/// The tables a T-SQL script leaves behind, replayed from its parsed DDL in order: CREATE TABLE, ALTER TABLE ADD/DROP
/// COLUMN, DROP TABLE, CREATE INDEX. Names compare as SQL Server's default (case-insensitive) collation does unless told
/// otherwise; the spelling of the CREATE is kept.
/// </summary>
public sealed class TransactSqlSchema
{
    private readonly Dictionary<string, Table> _tables;
    private readonly StringComparer _names;

    private TransactSqlSchema(StringComparer names)
    {
        _names = names;
        _tables = new Dictionary<string, Table>(names);
    }

    /// <summary>The tables left at the end of the script.</summary>
    public IReadOnlyDictionary<string, Table> Tables => _tables;

    /// <summary>Every DROP TABLE of the script, as spelled there.</summary>
    public List<string> Dropped { get; } = [];

    /// <summary>Replays the DDL of <paramref name="script"/> on an empty database.</summary>
    /// <param name="script">A parsed script (it should have parsed without errors).</param>
    /// <param name="names">How table and column names compare: case-insensitive (SQL Server's default collation) unless given.</param>
    public static TransactSqlSchema Replay(TransactSql script, StringComparer? names = null)
    {
        var schema = new TransactSqlSchema(names ?? StringComparer.OrdinalIgnoreCase);
        schema.Apply(script);
        return schema;
    }

    /// <summary>Replays the DDL of <paramref name="script"/> on the tables replayed so far.</summary>
    /// <param name="script">A parsed script (it should have parsed without errors).</param>
    public void Apply(TransactSql script)
    {
        ArgumentNullException.ThrowIfNull(script);
        foreach (var node in script.Nodes)
        {
            switch (node)
            {
                case CreateTableStatement create:
                    var table = new Table(TransactSql.TableName(create.SchemaObjectName));
                    table.Columns.AddRange(create.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value));
                    table.PrimaryKey = create.Definition.TableConstraints.OfType<UniqueConstraintDefinition>()
                        .SingleOrDefault(c => c.IsPrimaryKey)?.ConstraintIdentifier?.Value;
                    _tables[table.Name] = table;
                    break;
                case AlterTableAddTableElementStatement add:
                    Get(add.SchemaObjectName).Columns.AddRange(add.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value));
                    break;
                case AlterTableDropTableElementStatement drop:
                    var columns = Get(drop.SchemaObjectName).Columns;
                    foreach (var element in drop.AlterTableDropTableElements.Where(e => e.TableElementType == TableElementType.Column))
                    {
                        columns.RemoveAll(c => _names.Equals(c, element.Name.Value));
                    }

                    break;
                case DropTableStatement dropTable:
                    foreach (var name in dropTable.Objects.Select(TransactSql.TableName))
                    {
                        Dropped.Add(name);
                        _tables.Remove(name);
                    }

                    break;
                case CreateIndexStatement index:
                    Get(index.OnName).Indexes.Add(new Index(
                        index.Name.Value,
                        index.Columns.Select(c => TransactSql.ColumnName(c.Column)!).ToList()));
                    break;
            }
        }
    }

    private Table Get(SchemaObjectName name) =>
        _tables.TryGetValue(TransactSql.TableName(name), out var table)
            ? table
            : throw new InvalidOperationException($"The script alters or indexes {TransactSql.TableName(name)} before creating it.");

    /// <summary>A table as the script leaves it.</summary>
    public sealed class Table(string name)
    {
        public string Name { get; } = name;

        public List<string> Columns { get; } = [];

        public string? PrimaryKey { get; set; }

        public List<Index> Indexes { get; } = [];
    }

    /// <summary>An index and its key columns, in order.</summary>
    public sealed record Index(string Name, IReadOnlyList<string> Columns);
}
