using Microsoft.Extensions.Diagnostics.HealthChecks;
using Resolute.Orchestration.Health;

namespace Resolute.Health;

/// <summary>
/// Liveness: every background loop of this process completed a pass within
/// <see cref="ResoluteHealthOptions.LoopStallTimeout"/>. In memory only — never the database or the broker, whose
/// outages are readiness matters and no reason to restart the process.
/// </summary>
internal sealed class LoopsHealthCheck(LoopHeartbeats heartbeats, ResoluteHealthOptions options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var beats = heartbeats.Snapshot();
        if (beats.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("The process is alive; it runs no background loop."));
        }

        var data = beats.ToDictionary(b => b.Key, b => (object)Math.Round((now - b.Value).TotalSeconds, 1), StringComparer.Ordinal);
        var stalled = beats.Where(b => now - b.Value > options.LoopStallTimeout).OrderBy(b => b.Key, StringComparer.Ordinal).ToList();
        if (stalled.Count > 0)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
                $"Stuck: {string.Join(", ", stalled.Select(b => $"{b.Key} has not completed a pass for {HealthText.Duration(now - b.Value)}"))} (limit {HealthText.Duration(options.LoopStallTimeout)}).",
                data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy(
            $"Loops running: {string.Join(", ", beats.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => $"{b.Key} (last pass {HealthText.Duration(now - b.Value)} ago)"))}.",
            data));
    }
}
