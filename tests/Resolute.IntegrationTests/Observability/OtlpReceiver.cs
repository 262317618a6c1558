using System.Net;
using System.Net.Sockets;

namespace Resolute.IntegrationTests.Observability;

/// <summary>
/// A small OTLP/HTTP receiver — the protocol Jaeger (and any OpenTelemetry collector) ingests — on 127.0.0.1: it accepts
/// the protobuf posts of the services' OTLP exporters on <c>/v1/traces</c> and <c>/v1/metrics</c>, answers 200 as a
/// collector does, and keeps what it read for the test to look at.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<ReceivedSpan> _spans = [];
    private readonly Dictionary<string, ReceivedPoint> _latestPoints = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];
    private readonly Lock _gate = new();
    private readonly Task _loop;

    public OtlpReceiver()
    {
        // HttpListener cannot bind port 0: take a free port from the kernel first.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Endpoint = new Uri($"http://127.0.0.1:{Port}");
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (with <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>).</summary>
    public Uri Endpoint { get; }

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<ReceivedSpan> Spans
    {
        get
        {
            lock (_gate)
            {
                return _spans.ToList();
            }
        }
    }

    /// <summary>The latest data point of every (process, metric, attribute set) received so far.</summary>
    public IReadOnlyList<ReceivedPoint> Points
    {
        get
        {
            lock (_gate)
            {
                return _latestPoints.Values.ToList();
            }
        }
    }

    /// <summary>Requests the receiver could not read (each would fail the test that looks).</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return _problems.ToList();
            }
        }
    }

    /// <summary>The spans of one trace.</summary>
    public IReadOnlyList<ReceivedSpan> Trace(string traceId) => Spans.Where(s => s.TraceId == traceId).ToList();

    /// <summary>Polls until <paramref name="condition"/> holds of what was received, or fails after <paramref name="timeout"/> saying <paramref name="what"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<OtlpReceiver, T?> condition, string what, TimeSpan timeout)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (condition(this) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The OTLP receiver did not get {what} within {timeout.TotalSeconds:0} s. "
                    + $"Received {Spans.Count} spans ({string.Join(", ", Spans.Select(s => s.Name).Distinct().Take(40))}) and {Points.Count} metric points; problems: {string.Join("; ", Problems)}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            await HandleAsync(context).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath ?? "";
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body).ConfigureAwait(false);
            var bytes = body.ToArray();
            if (context.Request.HttpMethod != "POST" || context.Request.ContentType?.StartsWith("application/x-protobuf", StringComparison.Ordinal) != true)
            {
                Problem($"{context.Request.HttpMethod} {path} with content type {context.Request.ContentType}");
                context.Response.StatusCode = 415;
            }
            else if (path == "/v1/traces")
            {
                var spans = OtlpProtobuf.ReadTraces(bytes);
                lock (_gate)
                {
                    _spans.AddRange(spans);
                }
            }
            else if (path == "/v1/metrics")
            {
                var points = OtlpProtobuf.ReadMetrics(bytes);
                lock (_gate)
                {
                    foreach (var point in points)
                    {
                        var attributes = string.Join(",", point.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
                        _latestPoints[$"{point.Service}|{point.Instance}|{point.Metric}|{attributes}"] = point;
                    }
                }
            }
            else
            {
                // Logs and anything else: accepted and dropped, as a collector without that pipeline would.
                context.Response.StatusCode = 200;
            }

            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or HttpListenerException or IOException)
        {
            Problem($"{path}: {e.GetType().Name}: {e.Message}");
            try
            {
                context.Response.StatusCode = 400;
                context.Response.Close();
            }
            catch (Exception closing) when (closing is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // The exporter gave up; nothing to answer.
            }
        }
    }

    private void Problem(string text)
    {
        lock (_gate)
        {
            _problems.Add(text);
        }
    }
}
