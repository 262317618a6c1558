using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Hosting.Tests;

/// <summary>
/// Nodes from DI in the embedded mode: a class-based node (and a compensation) is created per attempt from a DI scope
/// the worker disposes when the attempt ends; delegate nodes reach the same scope through <see cref="NodeContext.Services"/>;
/// a scoped DbContext and an <see cref="IHttpClientFactory"/> client work inside a node; a missing registration fails the
/// run once with <see cref="ErrorTypes.NodeActivationFailed"/>.
/// </summary>
[Trait("Area", "Hosting")]
public sealed class NodesFromDiScenario : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    private readonly string _database = SqliteFiles.NewPath();
    private readonly string _shopDatabase = SqliteFiles.NewPath();
    private readonly AttemptLog _log = new();

    [Fact]
    public async Task A_class_node_gets_a_scoped_dependency_created_per_attempt_and_disposed_after_each_attempt_also_a_failed_one()
    {
        var flaky = Node.Create<FailsOnceNode, int, int>("fails-once")
            .WithRetry(new RetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(50), MaximumAttempts = 2 });
        var flow = Flow.Create("di-scoped-per-attempt").TriggeredBy(Trigger.Manual()).Then(flaky).Build();

        await using var host = await StartAsync(flow, services => services.AddScoped<AttemptResource>());
        var run = await host.Client.WaitForCompletionAsync(await host.Client.StartAsync(flow.Name, 41), RunTimeout);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(42, run.State.Get<int>("fails-once"));
        Assert.Equal([(1, NodeExecutionOutcome.Failed), (2, NodeExecutionOutcome.Completed)], run.History.OrderBy(h => h.Attempt).Select(h => (h.Attempt, h.Outcome)));

        // Two attempts, two resources: each was alive (and the same one through context.Services) while its attempt
        // ran, and disposed once when it ended — the failed attempt's before its retry, the last one before the reply.
        var runs = _log.Runs.OrderBy(r => r.Attempt).ToList();
        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.NotEqual(runs[0].ResourceId, runs[1].ResourceId);
        Assert.All(runs, r => Assert.False(r.ResourceWasDisposed));
        Assert.All(runs, r => Assert.True(r.SameInstanceFromContextServices));
        Assert.Equal(2, _log.ResourcesCreated);
        Assert.Equal(runs.Select(r => r.ResourceId).Order(), _log.ResourcesDisposed.Order());
        Assert.Equal(2, _log.NodesDisposed);
    }

    [Fact]
    public async Task The_scope_of_an_attempt_that_times_out_is_disposed_and_the_node_fails_with_NodeTimeout()
    {
        var slow = Node.Create<WaitsForeverNode, int, int>("waits-forever")
            .WithTimeout(TimeSpan.FromMilliseconds(300))
            .WithRetry(new RetryPolicy { MaximumAttempts = 1 });
        var flow = Flow.Create("di-timeout").TriggeredBy(Trigger.Manual()).Then(slow).Build();

        await using var host = await StartAsync(flow, services => services.AddScoped<AttemptResource>());
        var run = await host.Client.WaitForCompletionAsync(await host.Client.StartAsync(flow.Name, 1), RunTimeout);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(ErrorTypes.NodeTimeout, run.Error?.Error.Type);
        var ran = Assert.Single(_log.Runs);
        Assert.Equal([ran.ResourceId], _log.ResourcesDisposed);
    }

    [Fact]
    public async Task A_class_node_uses_a_scoped_DbContext_and_a_delegate_node_reads_one_from_context_Services_each_disposed_after_its_attempt()
    {
        var save = Node.Create<SaveOrderNode, string, int>("save-order");
        var count = Node.Create<int, int>("count-orders", async (_, context) =>
            {
                var db = context.Services.GetRequiredService<ShopDbContext>();
                _log.Keep(db);
                return await db.Orders.CountAsync(context.CancellationToken);
            })
            .WithInput(s => s.Get<int>("save-order"));
        var flow = Flow.Create("di-dbcontext").TriggeredBy(Trigger.Manual()).Then(save).Then(count).Build();

        await using var host = await StartAsync(flow, services => services.AddDbContext<ShopDbContext>(o => o.UseSqlite($"Data Source={_shopDatabase}")));
        await using (var setup = host.Services.CreateAsyncScope())
        {
            await setup.ServiceProvider.GetRequiredService<ShopDbContext>().Database.EnsureCreatedAsync();
        }

        var run = await host.Client.WaitForCompletionAsync(await host.Client.StartAsync(flow.Name, "ord-7"), RunTimeout);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.True(run.State.Get<int>("save-order") > 0);
        Assert.Equal(1, run.State.Get<int>("count-orders"));
        await using (var check = host.Services.CreateAsyncScope())
        {
            Assert.Equal(["ord-7"], await check.ServiceProvider.GetRequiredService<ShopDbContext>().Orders.Select(o => o.Reference).ToListAsync());
        }

        // One DbContext per attempt, disposed when its attempt ended.
        var contexts = _log.Kept.OfType<ShopDbContext>().ToList();
        Assert.Equal(2, contexts.Count);
        Assert.NotSame(contexts[0], contexts[1]);
        Assert.All(contexts, db => Assert.Throws<ObjectDisposedException>(() => db.Orders.Count()));
    }

    [Fact]
    public async Task A_class_node_calls_a_named_client_from_IHttpClientFactory()
    {
        var check = Node.Create<CheckStockNode, string, int>("check-stock");
        var flow = Flow.Create("di-http-client").TriggeredBy(Trigger.Manual()).Then(check).Build();

        await using var host = await StartAsync(flow, services => services
            .AddHttpClient(CheckStockNode.Client, client => client.BaseAddress = new Uri("http://inventory.test/"))
            .ConfigurePrimaryHttpMessageHandler(sp => new StubInventoryHandler(sp.GetRequiredService<AttemptLog>())));
        var run = await host.Client.WaitForCompletionAsync(await host.Client.StartAsync(flow.Name, "sku-42"), RunTimeout);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(7, run.State.Get<int>("check-stock"));
        Assert.Equal(["GET http://inventory.test/stock/sku-42"], _log.Requests);
    }

    [Fact]
    public async Task Delegate_nodes_resolve_scoped_services_from_their_own_attempt_scope()
    {
        Node<int, int> Reading(string name) => Node.Create<int, int>(name, (value, context) =>
        {
            var first = context.Services.GetRequiredService<AttemptResource>();
            var second = context.Services.GetRequiredService<AttemptResource>();
            _log.Ran(new AttemptRun(context.NodeName, context.Attempt, first.Id, first.IsDisposed, ReferenceEquals(first, second)));
            return Task.FromResult(value + 1);
        });
        var flow = Flow.Create("di-delegate-services").TriggeredBy(Trigger.Manual())
            .Then(Reading("first"))
            .Then(Reading("second").WithInput(s => s.Get<int>("first")))
            .Build();

        await using var host = await StartAsync(flow, services => services.AddScoped<AttemptResource>());
        var run = await host.Client.WaitForCompletionAsync(await host.Client.StartAsync(flow.Name, 1), RunTimeout);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(3, run.State.Get<int>("second"));
        var runs = _log.Runs.ToList();
        Assert.Equal(["first", "second"], runs.Select(r => r.Node));
        Assert.NotEqual(runs[0].ResourceId, runs[1].ResourceId);
        Assert.All(runs, r => Assert.True(r.SameInstanceFromContextServices && !r.ResourceWasDisposed));
        Assert.Equal(runs.Select(r => r.ResourceId).Order(), _log.ResourcesDisposed.Order());
    }

    [Fact]
    public async Task A_compensation_node_resolved_from_DI_runs_when_a_later_node_fails()
    {
        var reserve = Node.Create<ReserveNode, string, string>("reserve")
            .OnError(Node.Create<ReleaseNode, string, bool>("release").WithInput(s => s.Get<string>("reserve")));
        var charge = Node.Create<string, string>("charge", (_, _) => Task.FromException<string>(new NonRetryableException("card declined")))
            .WithInput(s => s.Get<string>("reserve"));
        var flow = Flow.Create("di-compensation").TriggeredBy(Trigger.Manual()).Then(reserve).Then(charge).Build();

        await using var host = await StartAsync(flow, services => services.AddScoped<AttemptResource>());
        var run = await host.Client.WaitForCompletionAsync(await host.Client.StartAsync(flow.Name, "sku-1"), RunTimeout);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(("charge", "card declined"), (run.Error?.NodeName, run.Error?.Error.Message));
        var release = Assert.Single(run.History, h => h.NodeName == "release");
        Assert.True(release.IsCompensation);
        Assert.Equal(NodeExecutionOutcome.Completed, release.Outcome);
        var released = Assert.Single(_log.Runs);
        Assert.Equal(("release", false), (released.Node, released.ResourceWasDisposed));
        Assert.Equal(["released res-sku-1"], _log.Requests);
        Assert.Equal([released.ResourceId], _log.ResourcesDisposed);
    }

    [Fact]
    public async Task A_node_class_with_an_unregistered_dependency_fails_the_run_once_with_NodeActivationFailed_naming_class_and_service()
    {
        var charge = Node.Create<ChargeCardNode, string, string>("charge-card");
        var flow = Flow.Create("di-missing-dependency").TriggeredBy(Trigger.Manual()).Then(charge).Build();

        await using var host = await StartAsync(flow);
        var run = await host.Client.WaitForCompletionAsync(await host.Client.StartAsync(flow.Name, "card-1"), RunTimeout);

        Assert.Equal(RunStatus.Failed, run.Status);
        var error = Assert.IsType<RunError>(run.Error);
        Assert.Equal(("charge-card", ErrorTypes.NodeActivationFailed), (error.NodeName, error.Error.Type));
        Assert.Contains(typeof(ChargeCardNode).FullName!, error.Error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(IPaymentGateway).FullName!, error.Error.Message, StringComparison.Ordinal);
        var attempt = Assert.Single(run.History);
        Assert.Equal((1, NodeExecutionOutcome.Failed), (attempt.Attempt, attempt.Outcome));
    }

    public void Dispose()
    {
        SqliteFiles.Delete(_database);
        SqliteFiles.Delete(_shopDatabase);
    }

    private Task<EmbeddedHost> StartAsync(Flow flow, Action<IServiceCollection>? services = null) =>
        EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow), s =>
        {
            s.AddSingleton(_log);
            services?.Invoke(s);
        });

    /// <summary>What a node saw in one attempt.</summary>
    public sealed record AttemptRun(string Node, int Attempt, int ResourceId, bool ResourceWasDisposed, bool SameInstanceFromContextServices);

    /// <summary>A test's record of creations, disposals and calls (a singleton in its host).</summary>
    public sealed class AttemptLog
    {
        private readonly ConcurrentQueue<AttemptRun> _runs = new();
        private readonly ConcurrentQueue<int> _disposed = new();
        private readonly ConcurrentQueue<object> _kept = new();
        private readonly ConcurrentQueue<string> _requests = new();
        private int _created;
        private int _nodesDisposed;

        public IReadOnlyCollection<AttemptRun> Runs => _runs;

        public int ResourcesCreated => Volatile.Read(ref _created);

        public IReadOnlyCollection<int> ResourcesDisposed => _disposed;

        public int NodesDisposed => Volatile.Read(ref _nodesDisposed);

        public IReadOnlyCollection<object> Kept => _kept;

        public IReadOnlyCollection<string> Requests => _requests;

        public int ResourceCreated() => Interlocked.Increment(ref _created);

        public void ResourceDisposed(int id) => _disposed.Enqueue(id);

        public void NodeDisposed() => Interlocked.Increment(ref _nodesDisposed);

        public void Ran(AttemptRun run) => _runs.Enqueue(run);

        public void Keep(object value) => _kept.Enqueue(value);

        public void Called(string what) => _requests.Enqueue(what);
    }

    /// <summary>A scoped dependency that knows whether it was disposed.</summary>
    public sealed class AttemptResource(AttemptLog log) : IDisposable
    {
        public int Id { get; } = log.ResourceCreated();

        public bool IsDisposed { get; private set; }

        public void Dispose()
        {
            IsDisposed = true;
            log.ResourceDisposed(Id);
        }
    }

    /// <summary>Not registered: created per attempt by the worker, and disposed by it.</summary>
    public sealed class FailsOnceNode(AttemptResource resource, AttemptLog log) : INode<int, int>, IDisposable
    {
        public Task<int> ExecuteAsync(int input, NodeContext context)
        {
            var fromContext = context.Services.GetRequiredService<AttemptResource>();
            log.Ran(new AttemptRun(context.NodeName, context.Attempt, resource.Id, resource.IsDisposed, ReferenceEquals(resource, fromContext)));
            return context.Attempt == 1
                ? Task.FromException<int>(new InvalidOperationException("the first attempt fails"))
                : Task.FromResult(input + 1);
        }

        public void Dispose() => log.NodeDisposed();
    }

    public sealed class WaitsForeverNode(AttemptResource resource, AttemptLog log) : INode<int, int>
    {
        public async Task<int> ExecuteAsync(int input, NodeContext context)
        {
            log.Ran(new AttemptRun(context.NodeName, context.Attempt, resource.Id, resource.IsDisposed, SameInstanceFromContextServices: true));
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
            return input;
        }
    }

    public sealed class Order
    {
        public int Id { get; set; }

        public string Reference { get; set; } = "";
    }

    public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : DbContext(options)
    {
        public DbSet<Order> Orders => Set<Order>();
    }

    public sealed class SaveOrderNode(ShopDbContext db, AttemptLog log) : INode<string, int>
    {
        public async Task<int> ExecuteAsync(string input, NodeContext context)
        {
            log.Keep(db);
            var order = new Order { Reference = input };
            db.Orders.Add(order);
            await db.SaveChangesAsync(context.CancellationToken);
            return order.Id;
        }
    }

    public sealed class CheckStockNode(IHttpClientFactory clients) : INode<string, int>
    {
        public const string Client = "inventory";

        public async Task<int> ExecuteAsync(string input, NodeContext context)
        {
            using var http = clients.CreateClient(Client);
            var text = await http.GetStringAsync(new Uri($"stock/{input}", UriKind.Relative), context.CancellationToken);
            return int.Parse(text, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The inventory service, without a network: every stock is 7.</summary>
    public sealed class StubInventoryHandler(AttemptLog log) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            log.Called($"{request.Method} {request.RequestUri}");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("7") });
        }
    }

    public sealed class ReserveNode : INode<string, string>
    {
        public Task<string> ExecuteAsync(string input, NodeContext context) => Task.FromResult($"res-{input}");
    }

    public sealed class ReleaseNode(AttemptResource resource, AttemptLog log) : INode<string, bool>
    {
        public Task<bool> ExecuteAsync(string input, NodeContext context)
        {
            log.Ran(new AttemptRun(context.NodeName, context.Attempt, resource.Id, resource.IsDisposed, SameInstanceFromContextServices: true));
            log.Called($"released {input}");
            return Task.FromResult(true);
        }
    }

    public interface IPaymentGateway
    {
        Task<string> ChargeAsync(string card, CancellationToken cancellationToken);
    }

    public sealed class ChargeCardNode(IPaymentGateway gateway) : INode<string, string>
    {
        public Task<string> ExecuteAsync(string input, NodeContext context) => gateway.ChargeAsync(input, context.CancellationToken);
    }
}
