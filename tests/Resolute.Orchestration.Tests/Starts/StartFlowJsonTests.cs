using System.Text;
using MassTransit;
using MassTransit.Serialization;
using Resolute.Contracts;
using Resolute.Orchestration.Starts;

namespace Resolute.Orchestration.Tests.Starts;

/// <summary>
/// A start request sent as plain <c>application/json</c>: read as a <see cref="StartFlow"/> when it is one, rejected with
/// a reason naming the field when it is not, and — through the endpoint's deserializer — never offered as any other type.
/// </summary>
[Trait("Area", "Hosting")]
public sealed class StartFlowJsonTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 12, 3, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void All_fields_are_read()
    {
        var runId = Guid.NewGuid();

        var start = Read($$"""
            {"runId":"{{runId}}","flowName":"typed-input","inputJson":"{\"count\":21}","idempotencyKey":"k-1",
             "requestedAt":"2026-12-01T10:00:00+01:00","requestedBy":"billing-service","somethingElse":[1,2]}
            """);

        Assert.Equal(runId, start.RunId);
        Assert.Equal("typed-input", start.FlowName);
        Assert.Equal("""{"count":21}""", start.InputJson);
        Assert.Equal("k-1", start.IdempotencyKey);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(1)), start.RequestedAt);
        Assert.Equal("billing-service", start.RequestedBy);
    }

    [Fact]
    public void Input_may_be_the_JSON_value_itself()
    {
        var start = Read($"{{\"runId\":\"{Guid.NewGuid()}\",\"flowName\":\"f\",\"inputJson\":{{\"count\":21,\"nested\":{{\"a\":[1,null]}}}}}}");

        Assert.Equal("""{"count":21,"nested":{"a":[1,null]}}""", start.InputJson);
    }

    [Fact]
    public void Without_a_run_id_it_is_derived_from_the_idempotency_key_as_the_client_does()
    {
        var start = Read("""{"flowName":"typed-input","idempotencyKey":"order-42"}""");

        Assert.Equal(RunIds.FromIdempotencyKey("typed-input", "order-42"), start.RunId);
        Assert.Null(start.InputJson);
        Assert.Equal(ReceivedAt, start.RequestedAt);
        Assert.Null(start.RequestedBy);
    }

    [Fact]
    public void Field_names_are_matched_ignoring_case()
    {
        var runId = Guid.NewGuid();

        var start = Read($$$"""{"RunId":"{{{runId}}}","FlowName":"f","InputJson":{"count":1}}""");

        Assert.Equal(runId, start.RunId);
        Assert.Equal("f", start.FlowName);
        Assert.Equal("""{"count":1}""", start.InputJson);
    }

    [Theory]
    [InlineData("""{"runId":"3f2c1d9e-8b1a-4c55-9f00-2a7d4e6b1c10","inputJson":{}}""", "flowName is missing")]
    [InlineData("""{"runId":"3f2c1d9e-8b1a-4c55-9f00-2a7d4e6b1c10","flowName":null}""", "flowName is missing")]
    [InlineData("""{"runId":"3f2c1d9e-8b1a-4c55-9f00-2a7d4e6b1c10","flowName":"  "}""", "flowName is empty")]
    [InlineData("""{"runId":"3f2c1d9e-8b1a-4c55-9f00-2a7d4e6b1c10","flowName":42}""", "flowName must be a string, but is a JSON number")]
    [InlineData("""{"flowName":"f"}""", "neither runId nor idempotencyKey is given")]
    [InlineData("""{"flowName":"f","idempotencyKey":""}""", "neither runId nor idempotencyKey is given")]
    [InlineData("""{"flowName":"f","runId":"run-1"}""", "runId 'run-1' is not a GUID")]
    [InlineData("""{"flowName":"f","runId":"00000000-0000-0000-0000-000000000000"}""", "runId is the empty GUID")]
    [InlineData("""{"flowName":"f","runId":7}""", "runId must be a string, but is a JSON number")]
    [InlineData("""{"flowName":"f","idempotencyKey":{"a":1}}""", "idempotencyKey must be a string, but is a JSON object")]
    [InlineData("""{"flowName":"f","idempotencyKey":"k","requestedAt":"yesterday"}""", "requestedAt 'yesterday' is not an ISO 8601 date")]
    [InlineData("""{"flowName":"f","idempotencyKey":"k","requestedBy":true}""", "requestedBy must be a string, but is a JSON boolean")]
    [InlineData("""[{"flowName":"f"}]""", "the body is a JSON array, not an object")]
    [InlineData("\"typed-input\"", "the body is a JSON string, not an object")]
    [InlineData("""{"flowName":"f",""", "the body is not valid JSON")]
    [InlineData("flowName=f", "the body is not valid JSON")]
    [InlineData("", "the message body is empty")]
    public void A_bad_request_is_rejected_naming_what_is_wrong(string body, string reason)
    {
        var e = Assert.Throws<StartFlowJsonException>(() => Read(body));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("Rejected a StartFlow sent as application/json: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("see docs/start-from-any-producer.md.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_envelope_sent_as_plain_JSON_is_told_to_use_the_envelope_content_type()
    {
        var e = Assert.Throws<StartFlowJsonException>(() => Read(
            """{"messageType":["urn:message:Resolute.Contracts:StartFlow"],"message":{"flowName":"f","runId":"3f2c1d9e-8b1a-4c55-9f00-2a7d4e6b1c10"}}"""));

        Assert.Contains("application/vnd.masstransit+json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_deserializer_offers_a_StartFlow_and_no_other_message_type()
    {
        var runId = Guid.NewGuid();
        var deserializer = new StartFlowJsonDeserializer(TimeProvider.System);
        var body = new BytesMessageBody(Encoding.UTF8.GetBytes($$$"""{"runId":"{{{runId}}}","flowName":"f","inputJson":{"count":3}}"""));

        var context = deserializer.Deserialize(body, EmptyHeaders.Instance, new Uri("queue:resolute-orchestrator"));

        Assert.Equal("application/json", deserializer.ContentType.MediaType);
        Assert.True(context.IsSupportedMessageType<StartFlow>());
        Assert.True(context.TryGetMessage<StartFlow>(out var start));
        Assert.NotNull(start);
        Assert.Equal(runId, start.RunId);
        Assert.Equal("""{"count":3}""", start.InputJson);
        // The same body would read as a reply or a cancellation (both have runId): it must not be offered as one.
        Assert.False(context.IsSupportedMessageType<NodeCompleted>());
        Assert.False(context.TryGetMessage<NodeCompleted>(out _));
        Assert.False(context.TryGetMessage<NodeFailed>(out _));
        Assert.False(context.TryGetMessage<CancelFlowRun>(out _));
        Assert.False(context.TryGetMessage<WakeFlowRun>(out _));
    }

    [Fact]
    public void The_deserializer_rejects_a_bad_request_before_any_consumer_sees_it()
    {
        var deserializer = new StartFlowJsonDeserializer(TimeProvider.System);
        var body = new BytesMessageBody(Encoding.UTF8.GetBytes("""{"runId":"3f2c1d9e-8b1a-4c55-9f00-2a7d4e6b1c10","inputJson":{"count":3}}"""));

        var e = Assert.Throws<StartFlowJsonException>(() => deserializer.Deserialize(body, EmptyHeaders.Instance, new Uri("queue:resolute-orchestrator")));

        Assert.Contains("flowName is missing", e.Message, StringComparison.Ordinal);
    }

    private static StartFlow Read(string body) => StartFlowJson.Read(Encoding.UTF8.GetBytes(body), ReceivedAt);
}
