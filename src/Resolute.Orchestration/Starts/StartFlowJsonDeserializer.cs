using System.Net.Mime;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Resolute.Contracts;

namespace Resolute.Orchestration.Starts;

/// <summary>
/// The orchestrator endpoint's deserializer for <c>application/json</c>: the body is a <see cref="StartFlow"/>'s fields
/// and nothing else. Unlike MassTransit's raw JSON deserializer, whose messages answer to every type an endpoint
/// consumes, the message it makes is a <see cref="StartFlow"/> only: the saga never reads a start request as a reply,
/// a wake or a cancellation. A body that is not a valid start request throws <see cref="StartFlowJsonException"/>
/// (read in <see cref="StartFlowJson"/>), which sends the message to the error queue with that reason.
/// </summary>
internal sealed class StartFlowJsonDeserializer : IMessageDeserializer
{
    /// <summary><c>application/json</c>.</summary>
    public static readonly ContentType JsonContentType = new(StartFlowJsonEndpointExtensions.RawJsonContentType);

    // The one type this content type may carry; no AnyMessageType, so no other type is answered.
    private static readonly string[] StartFlowOnly = [MessageUrn.ForTypeString<StartFlow>()];

    // No CopyHeaders: the producer's transport headers (RabbitMQ-ExchangeName, …) would otherwise become message headers
    // and ride along on every command and event of the run, which an envelope's start never does.
    private const RawSerializerOptions Options = RawSerializerOptions.AddTransportHeaders;

    private readonly TimeProvider _time;

    /// <summary>A deserializer that stamps <see cref="StartFlow.RequestedAt"/>, when absent, with <paramref name="time"/>.</summary>
    public StartFlowJsonDeserializer(TimeProvider time)
    {
        _time = time;
    }

    /// <inheritdoc />
    public ContentType ContentType => JsonContentType;

    /// <inheritdoc />
    public void Probe(ProbeContext context)
    {
        var scope = context.CreateScope("json");
        scope.Add("contentType", JsonContentType.MediaType);
        scope.Add("messageType", nameof(StartFlow));
        scope.Add("provider", "Resolute.StartFlowJson");
    }

    /// <inheritdoc />
    public ConsumeContext Deserialize(ReceiveContext receiveContext)
    {
        ArgumentNullException.ThrowIfNull(receiveContext);
        return new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));
    }

    /// <inheritdoc />
    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(headers);
        var start = StartFlowJson.Read(body.GetBytes(), _time.GetUtcNow());

        // Carried as the checked, complete message (run id filled in, input as JSON text), written the way MassTransit
        // reads it back, so the saga sees exactly what it would see from an envelope.
        var message = JsonSerializer.SerializeToElement(start, SystemTextJsonMessageSerializer.Options);
        var messageContext = new RawMessageContext(headers, destinationAddress!, Options);
        return new SystemTextJsonRawSerializerContext(SystemTextJsonMessageSerializer.Instance, SystemTextJsonMessageSerializer.Options, JsonContentType,
            messageContext, StartFlowOnly, Options, message);
    }

    /// <inheritdoc />
    public MessageBody GetMessageBody(string text) => new StringMessageBody(text);
}

/// <summary>
/// The orchestrator endpoint's default deserializer: MassTransit's envelope (<c>application/vnd.masstransit+json</c>), as
/// before. Without it, a message of any other content type (or none) would be read as an envelope too, and fail with
/// MassTransit's unspecific "error deserializing the message envelope" — or, when the JSON happened to parse, land in
/// the skipped queue. Here it is rejected with a reason that names the content types the endpoint accepts.
/// </summary>
internal sealed class EnvelopeOnlyDeserializer : IMessageDeserializer
{
    private readonly IMessageDeserializer _envelope;

    /// <summary>Wraps MassTransit's envelope deserializer.</summary>
    public EnvelopeOnlyDeserializer(IMessageDeserializer envelope)
    {
        _envelope = envelope;
    }

    /// <inheritdoc />
    public ContentType ContentType => _envelope.ContentType;

    /// <inheritdoc />
    public void Probe(ProbeContext context) => _envelope.Probe(context);

    /// <inheritdoc />
    public ConsumeContext Deserialize(ReceiveContext receiveContext)
    {
        ArgumentNullException.ThrowIfNull(receiveContext);
        var mediaType = receiveContext.ContentType?.MediaType;
        if (!string.Equals(mediaType, _envelope.ContentType.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw new StartFlowJsonException(
                $"A message with {(string.IsNullOrWhiteSpace(mediaType) ? "no content type" : $"content type '{mediaType}'")} is not accepted on {receiveContext.InputAddress}. " +
                $"Send a StartFlow as '{StartFlowJsonEndpointExtensions.RawJsonContentType}' (the message's fields) or as " +
                $"'{_envelope.ContentType.MediaType}' (the MassTransit envelope); see docs/start-from-any-producer.md.");
        }

        return _envelope.Deserialize(receiveContext);
    }

    /// <inheritdoc />
    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null) => _envelope.Deserialize(body, headers, destinationAddress);

    /// <inheritdoc />
    public MessageBody GetMessageBody(string text) => _envelope.GetMessageBody(text);
}

/// <summary>Registers a deserializer with an endpoint (only deserializers: the endpoint's serializer stays MassTransit's).</summary>
internal sealed class DeserializerOnlyFactory(ContentType contentType, Func<IMessageDeserializer> create) : ISerializerFactory
{
    /// <inheritdoc />
    public ContentType ContentType { get; } = contentType;

    /// <inheritdoc />
    public IMessageSerializer CreateSerializer() =>
        throw new NotSupportedException($"Resolute registers only a deserializer for '{ContentType.MediaType}'; messages are sent with MassTransit's own serializer.");

    /// <inheritdoc />
    public IMessageDeserializer CreateDeserializer() => create();
}
