using System.Diagnostics;
using System.Text;
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
/// A message over the default <c>MaxMessageBytes</c> (8 MiB) on the orchestrator's queue and on a worker's task queue,
/// sent raw to RabbitMQ: it lands in the queue's <c>_error</c> queue unread, with <c>MT-Fault-Message</c> naming size,
/// limit, queue, message id and the fix, and both consumers go on (a run started afterwards completes).
/// Real RabbitMQ, orchestrator and worker as processes.
/// </summary>
[Trait("Area", "BadInput")]
public sealed class OversizedMessageScenario(SingleWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<SingleWorkerCluster>(cluster, output), IClassFixture<SingleWorkerCluster>
{
    private const int DefaultMaxMessageBytes = 8 * 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(QueueNames.Orchestrator, "Resolute:Orchestrator:MaxMessageBytes")]
    [InlineData(TestFlowCatalog.DefaultTaskQueue, "Resolute:Worker:MaxMessageBytes")]
    public async Task A_message_over_MaxMessageBytes_goes_to_the_error_queue_unread_with_the_reason_and_the_consumer_goes_on(string queue, string key)
    {
        var messageId = Guid.NewGuid();
        var padding = new string('x', DefaultMaxMessageBytes);
        var body = "{\"messageId\":\"" + messageId + "\",\"messageType\":[\"urn:message:Resolute.Contracts:StartFlow\"],\"message\":{\"runId\":\"" + messageId +
                   "\",\"flowName\":\"" + TypedInputFlow.Name + "\",\"inputJson\":\"\\\"" + padding + "\\\"\"}}";
        await SendRawAsync(queue, messageId, body);

        var reason = await TakeFaultReasonAsync(queue + "_error", messageId);
        Output.WriteLine($"MT-Fault-Message: {reason}");
        Assert.Contains($"Message {messageId} on ", reason, StringComparison.Ordinal);
        Assert.Contains(queue, reason, StringComparison.Ordinal);
        Assert.Contains($" is {Encoding.UTF8.GetByteCount(body)} bytes; the limit is {DefaultMaxMessageBytes} bytes ({key}).", reason, StringComparison.Ordinal);
        Assert.Contains("Send a reference", reason, StringComparison.Ordinal);

        Assert.Null(await Cluster.Client.GetRunAsync(messageId));
        var run = await Cluster.RunAsync(TypedInputFlow.Name, new CountRequest(3));
        Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    private async Task SendRawAsync(string queue, Guid messageId, string body)
    {
        var factory = new ConnectionFactory { Uri = Cluster.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties
        {
            DeliveryMode = DeliveryModes.Persistent,
            ContentType = "application/vnd.masstransit+json",
            MessageId = messageId.ToString(),
        };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Polls <paramref name="queue"/> for the message with <paramref name="messageId"/>, acknowledges it and returns its <c>MT-Fault-Message</c>.</summary>
    private async Task<string> TakeFaultReasonAsync(string queue, Guid messageId)
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
                        if (message.BasicProperties.MessageId == messageId.ToString())
                        {
                            await channel.BasicAckAsync(message.DeliveryTag, multiple: false);
                            return message.BasicProperties.Headers is { } headers && headers.TryGetValue("MT-Fault-Message", out var value)
                                ? value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString() ?? string.Empty
                                : throw new XunitException($"The message has no MT-Fault-Message header; headers: {string.Join(", ", message.BasicProperties.Headers?.Keys ?? [])}");
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
                throw new XunitException($"Message {messageId} did not reach {queue} within {Deadline.TotalSeconds:0} s; faulted: " +
                                         $"{string.Join(", ", (await Cluster.GetFaultedMessagesAsync()).Select(f => $"{f.Key}: {f.Value}"))}.{Environment.NewLine}{Cluster.DescribeProcesses()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
