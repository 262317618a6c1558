using System.Diagnostics;
using System.Text;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Resolute.IntegrationTests.BadInput;

/// <summary>
/// Messages on the orchestrator's queue that it cannot use — a body that is not JSON, a reply for a run its database
/// does not have — land in <c>resolute-orchestrator_error</c> with the reason in the <c>MT-Fault-Message</c> header; a
/// message type it does not handle lands in <c>resolute-orchestrator_skipped</c> with an <c>MT-Reason</c> header. None
/// changes a run or stops the consumer: a run started afterwards completes.
/// Real RabbitMQ, orchestrator and worker as processes.
/// </summary>
[Trait("Area", "BadInput")]
public sealed class OrchestratorQueueBadMessagesScenario(SingleWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<SingleWorkerCluster>(cluster, output), IClassFixture<SingleWorkerCluster>
{
    private const string ErrorQueue = QueueNames.Orchestrator + "_error";
    private const string SkippedQueue = QueueNames.Orchestrator + "_skipped";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("application/vnd.masstransit+json")]
    [InlineData("application/json")]
    public async Task A_body_that_is_not_JSON_goes_to_the_error_queue_with_the_reason_and_the_consumer_goes_on(string contentType)
    {
        var marker = Guid.NewGuid();
        await SendRawAsync(contentType, $$"""{"messageType":["urn:message:Resolute.Contracts:StartFlow"],"message":{"runId":"{{marker}}", oops""");

        var reason = await TakeFromErrorQueueAsync(marker);
        Output.WriteLine($"MT-Fault-Message: {reason}");
        Assert.False(string.IsNullOrWhiteSpace(reason));
        if (contentType == "application/json")
        {
            Assert.Contains("the body is not valid JSON", reason, StringComparison.Ordinal);
        }
        else
        {
            // MassTransit's envelope reader: the parser's own words, with the position.
            Assert.Contains("is an invalid start of a property name", reason, StringComparison.Ordinal);
            Assert.Contains("BytePositionInLine", reason, StringComparison.Ordinal);
        }

        Assert.Null(await Cluster.Client.GetRunAsync(marker));
        await AssertAHealthyRunCompletesAsync();
    }

    [Fact]
    public async Task A_message_of_a_type_the_orchestrator_does_not_handle_goes_to_the_skipped_queue_marked_as_dead_lettered()
    {
        var marker = Guid.NewGuid();
        await SendRawAsync("application/vnd.masstransit+json", $$$"""
            {"messageId":"{{{Guid.NewGuid()}}}","messageType":["urn:message:Acme.Billing:InvoicePaid"],"message":{"invoiceId":"{{{marker}}}"}}
            """);

        // MassTransit's dead-letter queue for types no consumer of the endpoint handles (not the error queue: throwing
        // there would make the transport requeue the message forever).
        var reason = await TakeFromQueueAsync(SkippedQueue, marker, "MT-Reason");
        Output.WriteLine($"MT-Reason: {reason}");
        Assert.False(string.IsNullOrWhiteSpace(reason));
        await AssertAHealthyRunCompletesAsync();
    }

    [Fact]
    public async Task A_reply_for_a_run_the_database_does_not_have_goes_to_the_error_queue_at_once_naming_run_node_and_execution()
    {
        var unknownRun = NewId.NextGuid();
        var executionId = NewId.NextGuid();
        var clock = Stopwatch.StartNew();
        await Cluster.Bus.Publish(new NodeCompleted
        {
            RunId = unknownRun,
            ExecutionId = executionId,
            NodeName = TypedInputFlow.FirstNode,
            Attempt = 1,
            OutputJson = """{"doubled":2}""",
            StartedAt = DateTimeOffset.UtcNow,
            CompletedAt = DateTimeOffset.UtcNow,
            WorkerId = "a-worker-of-another-environment",
        });

        var reason = await TakeFromErrorQueueAsync(unknownRun);
        Output.WriteLine($"after {clock.Elapsed.TotalSeconds:0.0} s, MT-Fault-Message: {reason}");
        Assert.Contains($"NodeCompleted for node '{TypedInputFlow.FirstNode}' (execution {executionId}) names run {unknownRun}", reason, StringComparison.Ordinal);
        Assert.Contains("does not have", reason, StringComparison.Ordinal);
        Assert.Contains("share the RabbitMQ virtual host and database", reason, StringComparison.Ordinal);
        // Not retried for a minute first: waiting cannot make the run appear.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the reply reached the error queue only after {clock.Elapsed}");
        Assert.Null(await Cluster.Client.GetRunAsync(unknownRun));
        await AssertAHealthyRunCompletesAsync();
    }

    private async Task AssertAHealthyRunCompletesAsync()
    {
        var run = await Cluster.RunAsync(TypedInputFlow.Name, new CountRequest(3));
        Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
        Assert.Equal(new CountResult(6, "count 3 doubled"), run.State.Get<CountResult>(TypedInputFlow.FirstNode));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    private async Task SendRawAsync(string contentType, string body)
    {
        var factory = new ConnectionFactory { Uri = Cluster.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = contentType };
        await channel.BasicPublishAsync(string.Empty, QueueNames.Orchestrator, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>
    /// Polls <paramref name="queue"/> until a message whose body contains <paramref name="marker"/> is there, acknowledges
    /// it (so that the cluster shows no fault afterwards) and returns its <paramref name="header"/>.
    /// </summary>
    private Task<string> TakeFromErrorQueueAsync(Guid marker) => TakeFromQueueAsync(ErrorQueue, marker, "MT-Fault-Message");

    private async Task<string> TakeFromQueueAsync(string queue, Guid marker, string header)
    {
        var factory = new ConnectionFactory { Uri = Cluster.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using (var channel = await connection.CreateChannelAsync())
            {
                try
                {
                    while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
                    {
                        if (Encoding.UTF8.GetString(message.Body.Span).Contains(marker.ToString(), StringComparison.OrdinalIgnoreCase))
                        {
                            await channel.BasicAckAsync(message.DeliveryTag, multiple: false);
                            return message.BasicProperties.Headers is { } headers && headers.TryGetValue(header, out var value)
                                ? value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString() ?? string.Empty
                                : throw new XunitException($"The message has no {header} header; headers: {string.Join(", ", message.BasicProperties.Headers?.Keys ?? [])}");
                        }
                    }
                }
                catch (OperationInterruptedException)
                {
                    // The error queue is declared by the first fault.
                }
            }

            if (clock.Elapsed > Deadline)
            {
                throw new XunitException($"No message naming {marker} reached {queue} within {Deadline.TotalSeconds:0} s; faulted: " +
                                         $"{string.Join(", ", (await Cluster.GetFaultedMessagesAsync()).Select(f => $"{f.Key}: {f.Value}"))}.{Environment.NewLine}{Cluster.DescribeProcesses()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
