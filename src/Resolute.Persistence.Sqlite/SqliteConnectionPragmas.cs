using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Resolute.Persistence.Sqlite;

/// <summary>
/// Sets each SQLite connection up for a saga store: write-ahead logging (readers never block the writer) and
/// <c>synchronous=NORMAL</c>, which in WAL mode keeps every committed transaction across a process crash and only
/// risks the last ones on power loss — the trade-off of the embedded mode, about 10x fewer fsyncs than FULL.
/// A busy timeout makes a second process on the same file wait instead of failing.
/// </summary>
/// <remarks>
/// The settings belong to the native connection, which Microsoft.Data.Sqlite pools: they are sent once per native
/// connection, not at every open (every saga message opens one).
/// </remarks>
internal sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    private static readonly string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";

    // Native connections already set up; entries go when the native connection is closed for good and collected.
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NativeHandle(connection) is { } handle && _configured.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        Remember(connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NativeHandle(connection) is { } handle && _configured.TryGetValue(handle, out _))
        {
            return;
        }

        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        Remember(connection);
    }

    private static SQLitePCL.sqlite3? NativeHandle(DbConnection connection) => (connection as SqliteConnection)?.Handle;

    private void Remember(DbConnection connection)
    {
        if (NativeHandle(connection) is { } handle)
        {
            _configured.AddOrUpdate(handle, handle);
        }
    }
}
