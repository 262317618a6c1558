using System.Text;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Resolute.Contracts;

namespace Resolute.Orchestration.Tests.Starts;

/// <summary><see cref="StartFlow.InputJson"/> reads a string of JSON text or the JSON value itself, and writes a string.</summary>
[Trait("Area", "Hosting")]
public sealed class JsonTextConverterTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData("""{"count":21}""", """{"count":21}""")]
    [InlineData("""{ "count" : 21, "tags": ["a", "b"] }""", """{ "count" : 21, "tags": ["a", "b"] }""")]
    [InlineData("""[1, 2, 3]""", """[1, 2, 3]""")]
    [InlineData("42", "42")]
    [InlineData("-1.5e3", "-1.5e3")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    public void A_JSON_value_is_kept_as_its_raw_text(string value, string expected)
    {
        var start = JsonSerializer.Deserialize<StartFlow>($$"""{"runId":"{{Guid.NewGuid()}}","flowName":"f","inputJson":{{value}}}""", Web);

        Assert.NotNull(start);
        Assert.Equal(expected, start.InputJson);
    }

    [Theory]
    [InlineData("\"{\\\"count\\\":21}\"", """{"count":21}""")]
    [InlineData("\"\"", "")]
    [InlineData("\"not json at all\"", "not json at all")]
    [InlineData("null", null)]
    public void A_string_is_the_JSON_text_itself_and_null_is_none(string value, string? expected)
    {
        var start = JsonSerializer.Deserialize<StartFlow>($$"""{"runId":"{{Guid.NewGuid()}}","flowName":"f","inputJson":{{value}}}""", Web);

        Assert.NotNull(start);
        Assert.Equal(expected, start.InputJson);
    }

    [Fact]
    public void Absent_input_is_null()
    {
        var start = JsonSerializer.Deserialize<StartFlow>($$"""{"runId":"{{Guid.NewGuid()}}","flowName":"f"}""", Web);

        Assert.NotNull(start);
        Assert.Null(start.InputJson);
    }

    [Fact]
    public void Input_is_written_as_a_string_so_every_reader_of_the_contract_understands_it()
    {
        var start = new StartFlow { RunId = Guid.NewGuid(), FlowName = "f", InputJson = """{"count":21}""" };

        using var written = JsonDocument.Parse(JsonSerializer.Serialize(start, Web));

        Assert.Equal(JsonValueKind.String, written.RootElement.GetProperty("inputJson").ValueKind);
        Assert.Equal("""{"count":21}""", written.RootElement.GetProperty("inputJson").GetString());
        Assert.Equal(start, JsonSerializer.Deserialize<StartFlow>(JsonSerializer.Serialize(start, Web), Web));
    }

    [Fact]
    public void Null_input_is_written_as_null()
    {
        var start = new StartFlow { RunId = Guid.NewGuid(), FlowName = "f" };

        using var written = JsonDocument.Parse(JsonSerializer.Serialize(start, Web));

        Assert.Equal(JsonValueKind.Null, written.RootElement.GetProperty("inputJson").ValueKind);
    }

    [Fact]
    public void The_MassTransit_envelope_accepts_input_as_an_object_too()
    {
        var runId = Guid.NewGuid();
        var envelope = $$"""
            {
              "messageId": "{{Guid.NewGuid()}}",
              "messageType": ["urn:message:Resolute.Contracts:StartFlow"],
              "message": { "runId": "{{runId}}", "flowName": "f", "inputJson": { "count": 21 } }
            }
            """;

        var context = SystemTextJsonMessageSerializer.Instance.Deserialize(new BytesMessageBody(Encoding.UTF8.GetBytes(envelope)), EmptyHeaders.Instance);

        Assert.True(context.TryGetMessage<StartFlow>(out var start));
        Assert.NotNull(start);
        Assert.Equal(runId, start.RunId);
        Assert.Equal("""{ "count": 21 }""", start.InputJson);
    }

    [Fact]
    public void Any_other_token_is_an_error()
    {
        // A property name where a value belongs cannot be produced by a valid document; an unclosed object can.
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<StartFlow>("""{"runId":"00000000-0000-0000-0000-000000000001","flowName":"f","inputJson":{"count":""", Web));
    }
}
