using System.Buffers.Binary;
using System.Text;

namespace Resolute.IntegrationTests.Observability;

/// <summary>A span as an OTLP exporter sent it.</summary>
public sealed record ReceivedSpan(
    string Service,
    string Instance,
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<string> Events,
    int StatusCode,
    string StatusMessage)
{
    /// <summary>OTLP's STATUS_CODE_ERROR.</summary>
    public bool IsError => StatusCode == 2;

    /// <summary>An attribute as text ("" when absent).</summary>
    public string Attribute(string key) => Attributes.TryGetValue(key, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{Service}] {SpanId}<-{ParentSpanId} {Start:HH:mm:ss.fff}+{(End - Start).TotalMilliseconds:0}ms";
}

/// <summary>One data point of a metric as an OTLP exporter sent it (cumulative: the latest point holds the total).</summary>
/// <param name="Service">The exporting service (resource <c>service.name</c>).</param>
/// <param name="Instance">The exporting process (resource <c>service.instance.id</c>).</param>
/// <param name="Metric">The instrument name.</param>
/// <param name="Attributes">The point's attributes.</param>
/// <param name="Value">A sum's or gauge's value; a histogram's count.</param>
/// <param name="Sum">A histogram's sum (0 otherwise).</param>
public sealed record ReceivedPoint(string Service, string Instance, string Metric, IReadOnlyDictionary<string, object?> Attributes, double Value, double Sum)
{
    /// <summary>An attribute as text ("" when absent).</summary>
    public string Attribute(string key) => Attributes.TryGetValue(key, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";
}

/// <summary>
/// Reads the OTLP protobuf messages an exporter posts to <c>/v1/traces</c> and <c>/v1/metrics</c>
/// (opentelemetry-proto: ExportTraceServiceRequest, ExportMetricsServiceRequest) — only the fields the tests look at,
/// straight from the protobuf wire format; unknown fields are skipped as the format allows.
/// </summary>
public static class OtlpProtobuf
{
    public static List<ReceivedSpan> ReadTraces(ReadOnlySpan<byte> body)
    {
        var spans = new List<ReceivedSpan>();
        var request = new Reader(body);
        while (request.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                ReadResourceSpans(request.Bytes(), spans);
            }
            else
            {
                request.Skip(wire);
            }
        }

        return spans;
    }

    public static List<ReceivedPoint> ReadMetrics(ReadOnlySpan<byte> body)
    {
        var points = new List<ReceivedPoint>();
        var request = new Reader(body);
        while (request.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                ReadResourceMetrics(request.Bytes(), points);
            }
            else
            {
                request.Skip(wire);
            }
        }

        return points;
    }

    /// <summary>ResourceSpans and ResourceMetrics alike: the resource (field 1) and the scope messages (field 2).</summary>
    private static (string Service, string Instance, List<byte[]> Scopes) ReadResource(ReadOnlySpan<byte> bytes)
    {
        var resource = new Dictionary<string, object?>();
        var scopes = new List<byte[]>();
        var reader = new Reader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): ReadAttributesOf(reader.Bytes(), 1, resource); break;
                case (2, 2): scopes.Add(reader.Bytes().ToArray()); break;
                default: reader.Skip(wire); break;
            }
        }

        return (Text(resource, "service.name"), Text(resource, "service.instance.id"), scopes);
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> bytes, List<ReceivedSpan> spans)
    {
        var (service, instance, scopes) = ReadResource(bytes);
        foreach (var scope in scopes)
        {
            var scopeName = "";
            var scopeReader = new Reader(scope);
            while (scopeReader.Next(out var field, out var wire))
            {
                switch (field, wire)
                {
                    case (1, 2): scopeName = ReadScopeName(scopeReader.Bytes()); break;
                    case (2, 2): spans.Add(ReadSpan(scopeReader.Bytes(), service, instance, scopeName)); break;
                    default: scopeReader.Skip(wire); break;
                }
            }
        }
    }

    private static ReceivedSpan ReadSpan(ReadOnlySpan<byte> bytes, string service, string instance, string scope)
    {
        string traceId = "", spanId = "", parent = "", name = "", statusMessage = "";
        ulong start = 0, end = 0;
        var statusCode = 0;
        var attributes = new Dictionary<string, object?>();
        var events = new List<string>();
        var reader = new Reader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.Bytes()); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.Bytes()); break;
                case (4, 2): parent = Convert.ToHexStringLower(reader.Bytes()); break;
                case (5, 2): name = reader.String(); break;
                case (7, 1): start = reader.Fixed64(); break;
                case (8, 1): end = reader.Fixed64(); break;
                case (9, 2): ReadKeyValue(reader.Bytes(), attributes); break;
                case (11, 2): events.Add(ReadEventName(reader.Bytes())); break;
                case (15, 2): (statusCode, statusMessage) = ReadStatus(reader.Bytes()); break;
                default: reader.Skip(wire); break;
            }
        }

        return new ReceivedSpan(service, instance, scope, traceId, spanId, parent, name, FromNanos(start), FromNanos(end), attributes, events, statusCode, statusMessage);
    }

    private static void ReadResourceMetrics(ReadOnlySpan<byte> bytes, List<ReceivedPoint> points)
    {
        var (service, instance, scopes) = ReadResource(bytes);
        foreach (var scope in scopes)
        {
            var scopeReader = new Reader(scope);
            while (scopeReader.Next(out var field, out var wire))
            {
                if (field == 2 && wire == 2)
                {
                    ReadMetric(scopeReader.Bytes(), service, instance, points);
                }
                else
                {
                    scopeReader.Skip(wire);
                }
            }
        }
    }

    private static void ReadMetric(ReadOnlySpan<byte> bytes, string service, string instance, List<ReceivedPoint> points)
    {
        var name = "";
        var data = new List<(int Kind, byte[] Bytes)>();
        var reader = new Reader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): name = reader.String(); break;
                case (5 or 7 or 9, 2): data.Add((field, reader.Bytes().ToArray())); break;
                default: reader.Skip(wire); break;
            }
        }

        foreach (var (kind, body) in data)
        {
            var dataReader = new Reader(body);
            while (dataReader.Next(out var field, out var wire))
            {
                if (field == 1 && wire == 2)
                {
                    points.Add(kind == 9 ? ReadHistogramPoint(dataReader.Bytes(), service, instance, name) : ReadNumberPoint(dataReader.Bytes(), service, instance, name));
                }
                else
                {
                    dataReader.Skip(wire);
                }
            }
        }
    }

    private static ReceivedPoint ReadNumberPoint(ReadOnlySpan<byte> bytes, string service, string instance, string metric)
    {
        var attributes = new Dictionary<string, object?>();
        double value = 0;
        var reader = new Reader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (4, 1): value = BitConverter.UInt64BitsToDouble(reader.Fixed64()); break;
                case (6, 1): value = unchecked((long)reader.Fixed64()); break;
                case (7, 2): ReadKeyValue(reader.Bytes(), attributes); break;
                default: reader.Skip(wire); break;
            }
        }

        return new ReceivedPoint(service, instance, metric, attributes, value, 0);
    }

    private static ReceivedPoint ReadHistogramPoint(ReadOnlySpan<byte> bytes, string service, string instance, string metric)
    {
        var attributes = new Dictionary<string, object?>();
        double count = 0, sum = 0;
        var reader = new Reader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (4, 1): count = reader.Fixed64(); break;
                case (5, 1): sum = BitConverter.UInt64BitsToDouble(reader.Fixed64()); break;
                case (9, 2): ReadKeyValue(reader.Bytes(), attributes); break;
                default: reader.Skip(wire); break;
            }
        }

        return new ReceivedPoint(service, instance, metric, attributes, count, sum);
    }

    private static string ReadScopeName(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                return reader.String();
            }

            reader.Skip(wire);
        }

        return "";
    }

    private static string ReadEventName(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 2 && wire == 2)
            {
                return reader.String();
            }

            reader.Skip(wire);
        }

        return "";
    }

    private static (int Code, string Message) ReadStatus(ReadOnlySpan<byte> bytes)
    {
        var code = 0;
        var message = "";
        var reader = new Reader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (2, 2): message = reader.String(); break;
                case (3, 0): code = (int)reader.Varint(); break;
                default: reader.Skip(wire); break;
            }
        }

        return (code, message);
    }

    /// <summary>Reads every KeyValue in field <paramref name="attributesField"/> of a message (Resource: 1).</summary>
    private static void ReadAttributesOf(ReadOnlySpan<byte> bytes, int attributesField, Dictionary<string, object?> into)
    {
        var reader = new Reader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            if (field == attributesField && wire == 2)
            {
                ReadKeyValue(reader.Bytes(), into);
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    private static void ReadKeyValue(ReadOnlySpan<byte> bytes, Dictionary<string, object?> into)
    {
        var key = "";
        object? value = null;
        var reader = new Reader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): key = reader.String(); break;
                case (2, 2): value = ReadAnyValue(reader.Bytes()); break;
                default: reader.Skip(wire); break;
            }
        }

        into[key] = value;
    }

    private static object? ReadAnyValue(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        object? value = null;
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): value = reader.String(); break;
                case (2, 0): value = reader.Varint() != 0; break;
                case (3, 0): value = unchecked((long)reader.Varint()); break;
                case (4, 1): value = BitConverter.UInt64BitsToDouble(reader.Fixed64()); break;
                default: reader.Skip(wire); break;
            }
        }

        return value;
    }

    private static string Text(Dictionary<string, object?> attributes, string key) => attributes.TryGetValue(key, out var value) ? value as string ?? "" : "";

    private static DateTimeOffset FromNanos(ulong nanos) => DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100));

    /// <summary>The protobuf wire format: varints, fixed 32/64-bit values and length-delimited fields.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public bool Next(out int field, out int wire)
        {
            if (_position >= _data.Length)
            {
                field = wire = 0;
                return false;
            }

            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = _data[_position++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new FormatException("A protobuf varint is longer than 10 bytes.");
        }

        public ulong Fixed64()
        {
            var value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position, 8));
            _position += 8;
            return value;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = checked((int)Varint());
            var bytes = _data.Slice(_position, length);
            _position += length;
            return bytes;
        }

        public string String() => Encoding.UTF8.GetString(Bytes());

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _position += 8; break;
                case 2: Bytes(); break;
                case 5: _position += 4; break;
                default: throw new FormatException($"Protobuf wire type {wire} is not one OTLP uses.");
            }
        }
    }
}
