using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// A TCP proxy in front of the test PostgreSQL server that reads the client's side of the wire protocol, so a test can
/// count what the code under test really sends: every statement executed (simple <c>Query</c> messages split at
/// <c>;</c>, and each extended-protocol <c>Execute</c>, named by the SQL of the statement its <c>Bind</c> used) and every
/// round trip — a burst of client bytes after the server last spoke, i.e. one wait for the server. Batches and
/// Npgsql's pipelined messages (BEGIN, the pool's reset) thus count as one round trip, as they cost one.
/// </summary>
/// <remarks>
/// Counting is exact for messages that Npgsql writes in one flush (under its 8 KB write buffer), which holds for the
/// small runs of these tests; a larger write could only be counted as more round trips, never fewer.
/// </remarks>
public sealed class PostgresWireCounter : IAsyncDisposable
{
    private const int SslRequestCode = 80877103;
    private const int GssEncRequestCode = 80877104;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ProxiedConnection> _connections = [];
    private readonly Lock _gate = new();
    private readonly Task _acceptLoop;
    private List<RoundTrip> _roundTrips = [];

    /// <summary>Starts the proxy in front of the server <paramref name="connectionString"/> points at.</summary>
    /// <param name="connectionString">An Npgsql connection string of the real server.</param>
    public PostgresWireCounter(string connectionString)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        _targetHost = target.Host ?? "127.0.0.1";
        _targetPort = target.Port;
        _listener.Start();
        ConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port,

            // Plain protocol on the proxied connections, so the proxy can read it.
            SslMode = SslMode.Disable,
            GssEncryptionMode = GssEncryptionMode.Disable,
        }.ConnectionString;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The connection string that goes through the proxy (same database and options, another port).</summary>
    public string ConnectionString { get; }

    /// <summary>Forgets everything counted so far (the start of a measured window).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _roundTrips = [];
        }
    }

    /// <summary>The round trips (with their statements) since the last <see cref="Reset"/>, in order.</summary>
    public IReadOnlyList<RoundTrip> Snapshot()
    {
        lock (_gate)
        {
            return _roundTrips.Select(r => r with { Statements = [.. r.Statements] }).ToList();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        List<ProxiedConnection> connections;
        lock (_gate)
        {
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var next = 0;
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var server = new TcpClient();
            await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            client.NoDelay = true;
            server.NoDelay = true;
            var connection = new ProxiedConnection(this, ++next, client, server);
            lock (_gate)
            {
                _connections.Add(connection);
            }

            connection.Start(_stop.Token);
        }
    }

    private RoundTrip BeginRoundTrip(int connectionId)
    {
        lock (_gate)
        {
            var roundTrip = new RoundTrip(connectionId, []);
            _roundTrips.Add(roundTrip);
            return roundTrip;
        }
    }

    private void AddStatement(RoundTrip roundTrip, string sql)
    {
        lock (_gate)
        {
            roundTrip.Statements.Add(sql);
        }
    }

    /// <summary>One wait for the server: the statements the client sent in it (none for e.g. a Sync or authentication).</summary>
    /// <param name="ConnectionId">Which physical connection (numbered in order of opening).</param>
    /// <param name="Statements">The SQL of each statement executed, in order.</param>
    public sealed record RoundTrip(int ConnectionId, List<string> Statements);

    private sealed class ProxiedConnection(PostgresWireCounter owner, int id, TcpClient client, TcpClient server) : IDisposable
    {
        private readonly Dictionary<string, string> _preparedStatements = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _portals = new(StringComparer.Ordinal);
        private readonly Lock _direction = new();
        private byte[] _pending = new byte[64 * 1024];
        private int _pendingLength;
        private bool _startupDone;
        private bool _serverSpokeLast = true;
        private RoundTrip? _current;

        public void Start(CancellationToken cancellationToken)
        {
            _ = PumpAsync(client.GetStream(), server.GetStream(), fromClient: true, cancellationToken);
            _ = PumpAsync(server.GetStream(), client.GetStream(), fromClient: false, cancellationToken);
        }

        public void Dispose()
        {
            client.Dispose();
            server.Dispose();
        }

        private async Task PumpAsync(NetworkStream from, NetworkStream to, bool fromClient, CancellationToken cancellationToken)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReadAsync(buffer, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    lock (_direction)
                    {
                        if (fromClient)
                        {
                            if (_serverSpokeLast)
                            {
                                _current = owner.BeginRoundTrip(id);
                                _serverSpokeLast = false;
                            }

                            Parse(buffer.AsSpan(0, read));
                        }
                        else
                        {
                            _serverSpokeLast = true;
                        }
                    }

                    await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                Dispose();
            }
        }

        // Frames the client's messages (they may straddle reads) and records each executed statement.
        private void Parse(ReadOnlySpan<byte> data)
        {
            if (_pendingLength + data.Length > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + data.Length));
            }

            data.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += data.Length;
            var offset = 0;
            while (true)
            {
                var available = _pending.AsSpan(offset, _pendingLength - offset);
                if (!_startupDone)
                {
                    // Untyped: SSL/GSS requests, then the startup message.
                    if (available.Length < 8)
                    {
                        break;
                    }

                    var length = BinaryPrimitives.ReadInt32BigEndian(available);
                    if (available.Length < length)
                    {
                        break;
                    }

                    var code = BinaryPrimitives.ReadInt32BigEndian(available[4..]);
                    _startupDone = code is not (SslRequestCode or GssEncRequestCode);
                    offset += length;
                    continue;
                }

                if (available.Length < 5)
                {
                    break;
                }

                var type = (char)available[0];
                var bodyLength = BinaryPrimitives.ReadInt32BigEndian(available[1..]) - 4;
                if (available.Length < 5 + bodyLength)
                {
                    break;
                }

                Record(type, available.Slice(5, bodyLength));
                offset += 5 + bodyLength;
            }

            _pending.AsSpan(offset, _pendingLength - offset).CopyTo(_pending);
            _pendingLength -= offset;
        }

        private void Record(char type, ReadOnlySpan<byte> body)
        {
            switch (type)
            {
                case 'Q':
                    foreach (var statement in ReadString(body, out _).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        owner.AddStatement(_current!, statement);
                    }

                    break;
                case 'P':
                {
                    var name = ReadString(body, out var used);
                    _preparedStatements[name] = ReadString(body[used..], out _);
                    break;
                }

                case 'B':
                {
                    var portal = ReadString(body, out var used);
                    var statement = ReadString(body[used..], out _);
                    _portals[portal] = _preparedStatements.GetValueOrDefault(statement, $"<statement {statement}>");
                    break;
                }

                case 'E':
                    owner.AddStatement(_current!, _portals.GetValueOrDefault(ReadString(body, out _), "<unknown portal>"));
                    break;
            }
        }

        private static string ReadString(ReadOnlySpan<byte> data, out int used)
        {
            var end = data.IndexOf((byte)0);
            used = end + 1;
            return Encoding.UTF8.GetString(data[..end]);
        }
    }
}
