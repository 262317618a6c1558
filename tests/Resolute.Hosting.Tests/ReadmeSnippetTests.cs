using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resolute.Client;

namespace Resolute.Hosting.Tests;

/// <summary>
/// The README's hosting snippets are the regions of this file, compiled here: each test builds the services of one
/// snippet, and <see cref="Every_readme_snippet_is_a_region_of_this_file"/> fails when the README's text and the code
/// drift apart.
/// </summary>
[Trait("Area", "Hosting")]
public sealed partial class ReadmeSnippetTests
{
    private static readonly Flow Flow = Resolute.Flow.Create("readme-flow")
        .TriggeredBy(Trigger.Manual())
        .Then(Node.Create<int, int>("double", (v, _) => Task.FromResult(v * 2)))
        .Build();

    private static readonly string ConnectionString = "Host=localhost;Database=resolute;Username=postgres";

    // What an application reads from its configuration or secret store; the snippets only build services, nothing connects.
    private static (string User, string Password) RabbitMqCredentials() => ("app", "from-the-secret-store");

    [Fact]
    public async Task The_one_liner_with_its_own_bus_registers_a_client()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var flow = Flow;
        var connectionString = ConnectionString;
        #region readme-one-liner
        builder.AddResolute(r => r
            .AddFlow(flow, taskQueue: "enrichment-queue")
            .UseRabbitMq()                 // host, user and password from configuration: Resolute:RabbitMq:*
            .UsePostgres(connectionString)
            .AsOrchestrator()              // and/or .AsWorker("enrichment-queue"); default: both
        );
        // then: IFlowClient.StartAsync("enrich-issues", input), GetRunAsync, WaitForCompletionAsync, CancelAsync
        #endregion

        await using var provider = builder.Services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<IFlowClient>());
        Assert.NotNull(provider.GetRequiredService<IBus>());
    }

    [Fact]
    public async Task On_the_applications_own_bus()
    {
        var services = new ServiceCollection();
        var flow = Flow;
        var connectionString = ConnectionString;
        var (rabbitUser, rabbitPassword) = RabbitMqCredentials();
        #region readme-application-bus
        services.AddMassTransit(x =>
        {
            x.AddConsumer<OrderPlacedConsumer>();                // the application's own consumers
            x.AddResolute(r => r.AddFlow(flow).UsePostgres(connectionString));
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host("rabbit", "/", h => { h.Username(rabbitUser); h.Password(rabbitPassword); }); // from configuration or a secret store
                cfg.ConfigureEndpoints(context);               // Resolute connects its own endpoints at start
            });
        });
        #endregion

        await using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<IFlowClient>());
    }

    [Fact]
    public async Task On_a_bus_of_its_own_beside_the_applications()
    {
        var services = new ServiceCollection();
        var flow = Flow;
        var connectionString = ConnectionString;
        var (rabbitUser, rabbitPassword) = RabbitMqCredentials();
        #region readme-multibus
        services.AddMassTransit(x => { /* the application's bus, as before */ x.UsingRabbitMq(); });
        services.AddMassTransit<IResoluteBus>(x =>
        {
            x.AddResolute(r => r.AddFlow(flow).UsePostgres(connectionString));
            x.UsingRabbitMq((context, cfg) => cfg.Host("rabbit-workflows", "/resolute", h => { h.Username(rabbitUser); h.Password(rabbitPassword); }));
        });
        #endregion

        await using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<IFlowClient>());
        Assert.NotNull(provider.GetRequiredService<IBus>());
    }

    [Fact]
    public void Every_readme_snippet_is_a_region_of_this_file()
    {
        var root = FindRepositoryRoot();
        var readme = Normalize(File.ReadAllText(Path.Combine(root, "README.md")));
        var source = File.ReadAllText(Path.Combine(root, "tests", "Resolute.Hosting.Tests", "ReadmeSnippetTests.cs"));
        var regions = Region().Matches(source);
        Assert.Equal(3, regions.Count);
        foreach (Match region in regions)
        {
            var code = Normalize(Dedent(region.Groups["code"].Value));
            Assert.True(readme.Contains(code, StringComparison.Ordinal), $"README.md does not contain the region '{region.Groups["name"].Value}' of ReadmeSnippetTests.cs as written:\n{code}");
        }
    }

    internal static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Resolute.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Resolute.sln above {AppContext.BaseDirectory}.");
    }

    private static string Dedent(string code)
    {
        var lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Where(l => l.Trim().Length > 0).ToList();
        var indent = lines.Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l[indent..]));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();

    [GeneratedRegex(@"#region readme-(?<name>[a-z-]+)\s*\n(?<code>.*?)\n\s*#endregion", RegexOptions.Singleline)]
    private static partial Regex Region();

    /// <summary>An application's own consumer in the snippet.</summary>
    internal sealed class OrderPlacedConsumer : IConsumer<OrderPlaced>
    {
        public Task Consume(ConsumeContext<OrderPlaced> context) => Task.CompletedTask;
    }

    internal sealed record OrderPlaced(Guid OrderId);
}
