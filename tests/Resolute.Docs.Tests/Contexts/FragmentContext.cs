using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Client;

namespace Resolute.Docs.Tests.Contexts;

/// <summary>
/// The default context (<c>fragment</c>): what a fragment of the README or docs may use without declaring it — the
/// application's builder and services, a flow, connection strings and credentials from configuration, and the nodes and
/// types of the seed's enrichment example. A block is only compiled, never run, so every member is a stand-in.
/// </summary>
/// <remarks>Members are lower case because the fragments name them so (<c>builder.AddResolute(…)</c>).</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Names as the docs write them.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "A script's globals are instance members.")]
public class FragmentContext
{
    /// <summary>An ASP.NET Core application's builder (also an <c>IHostApplicationBuilder</c>).</summary>
    public WebApplicationBuilder builder { get; } = null!;

    /// <summary>The built application (health endpoints).</summary>
    public WebApplication app { get; } = null!;

    /// <summary>The application's services.</summary>
    public IServiceCollection services { get; } = null!;

    /// <summary>The application's configuration.</summary>
    public IConfiguration configuration { get; } = null!;

    /// <summary>A built flow.</summary>
    public Flow flow { get; } = null!;

    /// <summary>The saga database's connection string, from configuration.</summary>
    public string connectionString { get; } = null!;

    /// <summary>A RabbitMQ address (<c>amqp://…</c>), from configuration.</summary>
    public string rabbitUri { get; } = null!;

    /// <summary>RabbitMQ's user, from configuration or a secret store.</summary>
    public string rabbitUser { get; } = null!;

    /// <summary>RabbitMQ's password, from configuration or a secret store.</summary>
    public string rabbitPassword { get; } = null!;

    /// <summary>The flow client.</summary>
    public IFlowClient client { get; } = null!;

    /// <summary>A run's id.</summary>
    public Guid runId { get; }

    /// <summary>A token of the caller.</summary>
    public CancellationToken cancellationToken { get; }

    /// <summary>A node that merges the enrichments.</summary>
    public Node<MergeInput, MergeOutput> merge { get; } = null!;

    /// <summary>A node that stores the result.</summary>
    public Node<MergeOutput, bool> store { get; } = null!;

    /// <summary>A node that writes a report.</summary>
    public Node<ReportInput, bool> report { get; } = null!;

    /// <summary>Nodes of a conditional example.</summary>
    public Node<CheckInput, CheckOutput> check { get; } = null!;

    /// <summary>Rush processing, one of two parallel nodes.</summary>
    public Node<In, Out> expedite { get; } = null!;

    /// <summary>Rush processing, the other parallel node.</summary>
    public Node<In, Out> notifyWarehouse { get; } = null!;

    /// <summary>Standard processing.</summary>
    public Node<In, Out> standard { get; } = null!;

    /// <summary>The seed's fulfilment example: create the order (compensated by cancelling it).</summary>
    public Node<In, Out> createOrder { get; } = null!;

    /// <summary>The seed's fulfilment example: create the invoice (compensated by voiding it).</summary>
    public Node<In, Out> createInvoice { get; } = null!;

    /// <summary>The seed's fulfilment example: create the shipment.</summary>
    public Node<In, Out> createShipment { get; } = null!;

    /// <summary>The seed's fulfilment example: tell the customer.</summary>
    public Node<In, Out> notifyCustomer { get; } = null!;

    /// <summary>The seed's fetch node function.</summary>
    public Task<FetchOutput> FetchIssuesAsync(FetchInput input, NodeContext context) => throw new NotSupportedException();

    /// <summary>The seed's Jira enrichment.</summary>
    public Task<JiraOutput> EnrichFromJiraAsync(EnrichInput input, NodeContext context) => throw new NotSupportedException();

    /// <summary>The seed's Slack enrichment.</summary>
    public Task<SlackOutput> EnrichFromSlackAsync(EnrichInput input, NodeContext context) => throw new NotSupportedException();

    /// <summary>The seed's GitHub enrichment.</summary>
    public Task<GitHubOutput> EnrichFromGitHubAsync(EnrichInput input, NodeContext context) => throw new NotSupportedException();

    /// <summary>A call to a rate-limited API.</summary>
    public Task<Out> CallApiAsync(In input, NodeContext context) => throw new NotSupportedException();
}

/// <summary>The seed's fetch input.</summary>
public sealed record FetchInput(string Project = "");

/// <summary>The seed's fetch output.</summary>
public sealed record FetchOutput(IReadOnlyList<string> Ids);

/// <summary>What each enrichment gets.</summary>
public sealed record EnrichInput(IReadOnlyList<string> Ids);

/// <summary>Jira's data.</summary>
public sealed record JiraOutput(IReadOnlyDictionary<string, string> Data);

/// <summary>Slack's data.</summary>
public sealed record SlackOutput(IReadOnlyDictionary<string, string> Data);

/// <summary>GitHub's data.</summary>
public sealed record GitHubOutput(IReadOnlyDictionary<string, string> Data);

/// <summary>The merge's input.</summary>
public sealed record MergeInput(FetchOutput Issues, JiraOutput? Jira, SlackOutput? Slack);

/// <summary>The merge's output.</summary>
public sealed record MergeOutput(int Count);

/// <summary>A report's input.</summary>
public sealed record ReportInput(DateOnly Day);

/// <summary>A check's input.</summary>
public sealed record CheckInput(string OrderId);

/// <summary>A check's output.</summary>
public sealed record CheckOutput(bool IsRush);

/// <summary>Any input.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Named as the seed's rate-limit example.")]
public sealed record In(string Value);

/// <summary>Any output.</summary>
public sealed record Out(string Value);

/// <summary>Two versions of one flow, for the upgrade example.</summary>
public static class OrderFlow
{
    /// <summary>The version in flight.</summary>
    public static Flow Version1 { get; } = null!;

    /// <summary>The new version.</summary>
    public static Flow Version2 { get; } = null!;
}

/// <summary>An application's own consumer (the application-bus example).</summary>
public sealed class OrderPlacedConsumer : MassTransit.IConsumer<OrderPlacedMessage>
{
    /// <inheritdoc />
    public Task Consume(MassTransit.ConsumeContext<OrderPlacedMessage> context) => Task.CompletedTask;
}

/// <summary>An application's own message.</summary>
public sealed record OrderPlacedMessage(Guid OrderId);
