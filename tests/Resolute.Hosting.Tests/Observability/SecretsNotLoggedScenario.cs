using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;

namespace Resolute.Hosting.Tests.Observability;

/// <summary>
/// Node inputs, outputs and the run's state are never logged at Information or above: a run whose input and output carry
/// a secret, logged at Trace by every category (Resolute, MassTransit, EF Core), leaves the secret in no entry at
/// Information, Warning, Error or Critical — message, exception or scope.
/// </summary>
[Trait("Area", "Observability")]
public sealed class SecretsNotLoggedScenario : IDisposable
{
    private const string Secret = "sk_live_51HsEcReT0nLy4tEsTs";

    private readonly string _database = SqliteFiles.NewPath();

    [Fact]
    public async Task A_run_with_a_secret_input_and_output_logs_the_secret_nowhere_at_Information_or_above()
    {
        var charge = Node.Create<ChargeRequest, ChargeReceipt>("charge", (input, _) => Task.FromResult(new ChargeReceipt($"receipt for {input.ApiKey}")));
        var flow = Flow.Create("secret-input").TriggeredBy(Trigger.Manual()).Then(charge).Build();
        var captured = new CapturingLoggerProvider();

        await using (var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow), services =>
        {
            services.AddSingleton<ILoggerProvider>(captured);
            services.Configure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Trace);
        }))
        {
            var runId = await host.Client.StartAsync(flow.Name, new ChargeRequest(Secret, 42));
            var run = await host.Client.WaitForCompletionAsync(runId, TimeSpan.FromSeconds(30));
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Contains(Secret, run.State.Get<ChargeReceipt>("charge").Text, StringComparison.Ordinal);
        }

        // The capture saw the run at every level (so an absence below means something).
        Assert.Contains(captured.Entries, e => e.Level == LogLevel.Information);
        Assert.Contains(captured.Entries, e => e.Level <= LogLevel.Debug);
        var leaks = captured.Entries.Where(e => e.Level >= LogLevel.Information && e.Text.Contains(Secret, StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, "The secret was logged:" + Environment.NewLine + string.Join(Environment.NewLine, leaks.Select(l => $"{l.Level} {l.Category}: {l.Text}")));
    }

    public void Dispose() => SqliteFiles.Delete(_database);

    /// <summary>A node input carrying a credential.</summary>
    public sealed record ChargeRequest(string ApiKey, int Amount);

    /// <summary>A node output carrying it back.</summary>
    public sealed record ChargeReceipt(string Text);
}
