using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// Stands in for SQL Server where none runs: an EF Core interceptor that gives every DbContext a connection which never
/// reaches a server and records each command the code under test executes — its text, its parameters (real
/// <see cref="SqlParameter"/>s, configured by EF Core's SQL Server type mappings) and whether it ran in a transaction.
/// Queries answer with no rows, non-queries with 0 rows, scalars with 0. So Resolute's own code paths (the saga row lock,
/// the outbox claim and delete, the rate-limit ledger) produce exactly the SQL they would send to SQL Server.
/// </summary>
public sealed class RecordingSqlServerConnection : DbConnectionInterceptor
{
    private readonly ConcurrentQueue<RecordedCommand> _commands = new();
    private readonly string[] _resultColumns;

    /// <summary>Creates the recorder.</summary>
    /// <param name="resultColumns">The columns of the (empty) result of every query, so EF Core can map <c>SELECT *</c>.</param>
    public RecordingSqlServerConnection(IEnumerable<string> resultColumns)
    {
        _resultColumns = resultColumns.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>What every scalar command answers (the rate-limit ledger reads a next free time in ticks).</summary>
    public object ScalarResult { get; set; } = 0L;

    /// <summary>The commands executed so far, in order.</summary>
    public IReadOnlyList<RecordedCommand> Commands => _commands.ToList();

    /// <inheritdoc />
    public override InterceptionResult<DbConnection> ConnectionCreating(ConnectionCreatingEventData eventData, InterceptionResult<DbConnection> result) =>
        InterceptionResult<DbConnection>.SuppressWithResult(new OfflineConnection(this, eventData.ConnectionString ?? string.Empty));

    private void Record(OfflineCommand command) =>
        _commands.Enqueue(new RecordedCommand(
            command.CommandText,
            command.Parameters.Cast<SqlParameter>().Select(p => new RecordedParameter(
                p.ParameterName.StartsWith('@') ? p.ParameterName : "@" + p.ParameterName, p.SqlDbType, p.Value)).ToList(),
            command.Transaction is not null));

    private DataTableReader EmptyResult()
    {
        var table = new DataTable();
        foreach (var column in _resultColumns)
        {
            table.Columns.Add(column, typeof(object));
        }

        return table.CreateDataReader();
    }

    /// <summary>A connection that opens without a server.</summary>
    private sealed class OfflineConnection(RecordingSqlServerConnection recorder, string connectionString) : DbConnection
    {
        private ConnectionState _state = ConnectionState.Closed;

        [AllowNull]
        public override string ConnectionString { get; set; } = connectionString;

        public override string Database => new SqlConnectionStringBuilder(ConnectionString).InitialCatalog;

        public override string DataSource => new SqlConnectionStringBuilder(ConnectionString).DataSource;

        public override string ServerVersion => "16.00.1000";

        public override ConnectionState State => _state;

        public RecordingSqlServerConnection Recorder => recorder;

        public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

        public override void Open() => _state = ConnectionState.Open;

        public override void Close() => _state = ConnectionState.Closed;

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => new OfflineTransaction(this, isolationLevel);

        protected override DbCommand CreateDbCommand() => new OfflineCommand { Connection = this };
    }

    private sealed class OfflineTransaction(OfflineConnection connection, IsolationLevel isolationLevel) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => isolationLevel;

        protected override DbConnection DbConnection => connection;

        public override void Commit()
        {
        }

        public override void Rollback()
        {
        }
    }

    /// <summary>A command whose parameters are SqlClient's own (the SQL Server type mappings configure them as such).</summary>
    private sealed class OfflineCommand : DbCommand
    {
        // Never executed: it only holds the parameter collection, which has no public constructor of its own.
        private readonly SqlCommand _holder = new();

        [AllowNull]
        public override string CommandText { get; set; } = string.Empty;

        public override int CommandTimeout { get; set; } = 30;

        public override CommandType CommandType { get; set; } = CommandType.Text;

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection { get; set; }

        protected override DbParameterCollection DbParameterCollection => _holder.Parameters;

        protected override DbTransaction? DbTransaction { get; set; }

        private RecordingSqlServerConnection Recorder => ((OfflineConnection)DbConnection!).Recorder;

        public override void Cancel()
        {
        }

        public override int ExecuteNonQuery()
        {
            Recorder.Record(this);
            return 0;
        }

        public override object? ExecuteScalar()
        {
            Recorder.Record(this);
            return Recorder.ScalarResult;
        }

        public override void Prepare()
        {
        }

        protected override DbParameter CreateDbParameter() => new SqlParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            Recorder.Record(this);
            return Recorder.EmptyResult();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _holder.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>One command as the code under test executed it.</summary>
/// <param name="Text">The command text.</param>
/// <param name="Parameters">Its parameters.</param>
/// <param name="InTransaction">Whether it ran in a transaction.</param>
public sealed record RecordedCommand(string Text, IReadOnlyList<RecordedParameter> Parameters, bool InTransaction);

/// <summary>A parameter of a recorded command.</summary>
/// <param name="Name">The name as the SQL reads it, e.g. <c>@p0</c> (EF Core names its parameters without the <c>@</c>).</param>
/// <param name="Type">The SQL Server type SqlClient would send it as.</param>
/// <param name="Value">The value.</param>
public sealed record RecordedParameter(string Name, SqlDbType Type, object? Value);
