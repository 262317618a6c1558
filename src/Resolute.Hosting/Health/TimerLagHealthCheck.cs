using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Resolute.Orchestration.Timers;

namespace Resolute.Health;

/// <summary>
/// Readiness of the orchestrator: how far past due the most overdue run timer (<c>next_wake_at</c>) is, read with the
/// timer loop's own query. Timers are woken within milliseconds; a large lag means no orchestrator polls them, or the
/// orchestrator queue is far behind.
/// </summary>
internal sealed class TimerLagHealthCheck(IServiceScopeFactory scopes, ResoluteHealthOptions options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        DueRuns due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await scope.ServiceProvider.GetRequiredService<IDueRunSource>().GetDueRunsAsync(now, 1, cancellationToken).ConfigureAwait(false);
        }

        if (due.Due.Count == 0)
        {
            return HealthCheckResult.Healthy("No run timer is overdue.");
        }

        var (runId, dueAt) = due.Due[0];
        var lag = now - dueAt;
        var data = new Dictionary<string, object>
        {
            ["oldestDueAt"] = dueAt,
            ["lagSeconds"] = Math.Round(lag.TotalSeconds, 1),
            ["runId"] = runId,
        };
        var text = $"The timer of run {runId} is {HealthText.Duration(lag)} overdue";
        if (lag > options.TimerLagUnhealthyAfter)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"{text}, over {HealthText.Duration(options.TimerLagUnhealthyAfter)}: retries and deadlines are not being woken (does an orchestrator run, is its queue far behind?).",
                data: data);
        }

        return lag > options.TimerLagDegradedAfter
            ? HealthCheckResult.Degraded($"{text}, over {HealthText.Duration(options.TimerLagDegradedAfter)}.", data: data)
            : HealthCheckResult.Healthy($"{text}.", data);
    }
}
