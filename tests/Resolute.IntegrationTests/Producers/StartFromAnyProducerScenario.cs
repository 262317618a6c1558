using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Resolute.IntegrationTests.Producers;

/// <summary>
/// A service that is not .NET starts runs with a bare RabbitMQ client (no MassTransit here): the <c>StartFlow</c>'s
/// fields as <c>application/json</c>, published to the StartFlow exchange or sent straight to the orchestrator's queue,
/// with <c>inputJson</c> as a string or as the JSON object itself; or the MassTransit envelope written by hand. A bad
/// message lands in the error queue with its reason and creates no run, while other runs complete. The outcome is read
/// back with <see cref="IFlowClient.GetRunAsync"/>. What this pins is documented in docs/start-from-any-producer.md.
/// </summary>
[Trait("Area", "Hosting")]
public sealed class StartFromAnyProducerScenario(SingleWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<SingleWorkerCluster>(cluster, output), IClassFixture<SingleWorkerCluster>
{
    /// <summary>The exchange MassTransit declares for <see cref="StartFlow"/> and binds to the orchestrator's queue.</summary>
    private const string StartFlowExchange = "Resolute.Contracts:StartFlow";

    private const string ErrorQueue = QueueNames.Orchestrator + "_error";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Plain_JSON_published_to_the_StartFlow_exchange_with_input_as_a_string_starts_a_run_that_completes()
    {
        var runId = Guid.NewGuid();
        var body = $$$"""
            {"runId":"{{{runId}}}","flowName":"{{{TypedInputFlow.Name}}}","inputJson":"{\"count\":21}","requestedBy":"billing-service"}
            """;

        await PublishAsync(StartFlowExchange, string.Empty, "application/json", body);

        var run = await WaitForCompletedAsync(runId);
        Assert.Equal(new CountResult(42, "count 21 doubled"), run.State.Get<CountResult>(TypedInputFlow.FirstNode));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Plain_JSON_sent_straight_to_the_queue_with_input_as_an_object_and_only_an_idempotency_key_starts_a_run()
    {
        var key = $"order-{Guid.NewGuid():N}";
        var body = $$$"""
            {"flowName":"{{{TypedInputFlow.Name}}}","idempotencyKey":"{{{key}}}","inputJson":{"count":5}}
            """;

        // The default exchange routes by queue name; a charset parameter does not change the content type.
        await PublishAsync(string.Empty, QueueNames.Orchestrator, "application/json; charset=utf-8", body);

        // The run id is the one IFlowClient would derive from the same key.
        var run = await WaitForCompletedAsync(RunIds.FromIdempotencyKey(TypedInputFlow.Name, key));
        Assert.Equal(new CountResult(10, "count 5 doubled"), run.State.Get<CountResult>(TypedInputFlow.FirstNode));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task The_MassTransit_envelope_written_by_hand_starts_a_run_too()
    {
        var runId = Guid.NewGuid();
        var body = $$$"""
            {
              "messageId": "{{{Guid.NewGuid()}}}",
              "messageType": ["urn:message:Resolute.Contracts:StartFlow"],
              "message": {"runId":"{{{runId}}}","flowName":"{{{TypedInputFlow.Name}}}","inputJson":{"count":3}}
            }
            """;

        await PublishAsync(StartFlowExchange, string.Empty, "application/vnd.masstransit+json", body);

        var run = await WaitForCompletedAsync(runId);
        Assert.Equal(new CountResult(6, "count 3 doubled"), run.State.Get<CountResult>(TypedInputFlow.FirstNode));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Plain_JSON_without_a_flow_name_lands_in_the_error_queue_with_the_reason_and_other_runs_complete()
    {
        var badRunId = Guid.NewGuid();
        var goodRunId = Guid.NewGuid();
        await PublishAsync(StartFlowExchange, string.Empty, "application/json", $$$"""{"runId":"{{{badRunId}}}","inputJson":{"count":1}}""");
        await PublishAsync(StartFlowExchange, string.Empty, "application/json", $$$"""{"runId":"{{{goodRunId}}}","flowName":"{{{TypedInputFlow.Name}}}","inputJson":{"count":7}}""");

        var good = await WaitForCompletedAsync(goodRunId);
        Assert.Equal(new CountResult(14, "count 7 doubled"), good.State.Get<CountResult>(TypedInputFlow.FirstNode));

        var faultMessage = await TakeFromErrorQueueAsync(badRunId);
        Output.WriteLine($"MT-Fault-Message: {faultMessage}");
        Assert.Contains("flowName is missing", faultMessage, StringComparison.Ordinal);
        Assert.Contains("docs/start-from-any-producer.md", faultMessage, StringComparison.Ordinal);
        Assert.NotEmpty(Cluster.Log.LinesContaining("flowName is missing"));
        Assert.Null(await Cluster.Client.GetRunAsync(badRunId));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task A_message_without_a_content_type_lands_in_the_error_queue_naming_the_accepted_content_types()
    {
        var runId = Guid.NewGuid();

        await PublishAsync(string.Empty, QueueNames.Orchestrator, contentType: null, $$$"""{"runId":"{{{runId}}}","flowName":"{{{TypedInputFlow.Name}}}"}""");

        var faultMessage = await TakeFromErrorQueueAsync(runId);
        Output.WriteLine($"MT-Fault-Message: {faultMessage}");
        Assert.Contains("no content type", faultMessage, StringComparison.Ordinal);
        Assert.Contains("'application/json'", faultMessage, StringComparison.Ordinal);
        Assert.Contains("'application/vnd.masstransit+json'", faultMessage, StringComparison.Ordinal);
        Assert.Null(await Cluster.Client.GetRunAsync(runId));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    /// <summary>Publishes with publisher confirms and <c>mandatory</c>: an exchange bound to nothing fails the publish.</summary>
    private async Task PublishAsync(string exchange, string routingKey, string? contentType, string body)
    {
        var factory = new ConnectionFactory { Uri = Cluster.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent };
        if (contentType is not null)
        {
            properties.ContentType = contentType;
        }

        await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Polls <see cref="IFlowClient.GetRunAsync"/> until the run ended (deadline 60 s); it must have completed.</summary>
    private async Task<FlowRunDescription> WaitForCompletedAsync(Guid runId)
    {
        var run = await Cluster.WaitUntilAsync(runId, r => r.Status is not (RunStatus.Pending or RunStatus.Running or RunStatus.Compensating), "the end", Deadline);
        Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
        return run;
    }

    /// <summary>
    /// Polls the error queue until the message whose body names <paramref name="runId"/> is there, removes it (so that
    /// the class's other tests see no fault) and returns its <c>MT-Fault-Message</c> header. Other messages stay.
    /// </summary>
    private async Task<string> TakeFromErrorQueueAsync(Guid runId)
    {
        var factory = new ConnectionFactory { Uri = Cluster.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // A channel per look: a get from a queue not declared yet (the first fault declares it) closes the channel.
            await using (var channel = await connection.CreateChannelAsync())
            {
                try
                {
                    while (await channel.BasicGetAsync(ErrorQueue, autoAck: false) is { } message)
                    {
                        if (Encoding.UTF8.GetString(message.Body.Span).Contains(runId.ToString(), StringComparison.OrdinalIgnoreCase))
                        {
                            await channel.BasicAckAsync(message.DeliveryTag, multiple: false);
                            return Header(message.BasicProperties, "MT-Fault-Message");
                        }
                    }
                }
                catch (OperationInterruptedException)
                {
                    // Not declared yet.
                }

                // Closing the channel returns the messages of other tests, unacknowledged, to the queue.
            }

            if (clock.Elapsed > Deadline)
            {
                throw new XunitException($"No message for run {runId} reached {ErrorQueue} within {Deadline.TotalSeconds:0} s.{Environment.NewLine}{Cluster.DescribeProcesses()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static string Header(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers is { } headers && headers.TryGetValue(name, out var value)
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                _ => value?.ToString() ?? string.Empty,
            }
            : throw new XunitException($"The faulted message has no {name} header; headers: {JsonSerializer.Serialize(properties.Headers?.Keys)}");
}
