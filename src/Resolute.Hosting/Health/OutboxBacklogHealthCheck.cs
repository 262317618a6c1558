using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Health;

/// <summary>
/// Readiness of the orchestrator: how old the oldest unsent row of the transactional outbox is (one index seek on
/// <c>created_at</c>). Rows normally leave right after their commit; old ones mean commands and events are not getting
/// out (broker unreachable, no sweeper).
/// </summary>
internal sealed class OutboxBacklogHealthCheck(IServiceScopeFactory scopes, ResoluteHealthOptions options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        var oldest = await db.Set<OutboxMessage>().AsNoTracking()
            .OrderBy(m => m.CreatedAt)
            .Select(m => new { m.CreatedAt, m.RunId })
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
        if (oldest is null)
        {
            return HealthCheckResult.Healthy("The outbox is empty.");
        }

        var age = time.GetUtcNow() - oldest.CreatedAt;
        var data = new Dictionary<string, object>
        {
            ["oldestCreatedAt"] = oldest.CreatedAt,
            ["oldestAgeSeconds"] = Math.Round(age.TotalSeconds, 1),
            ["oldestRunId"] = oldest.RunId,
        };
        var text = $"The oldest unsent outbox message (run {oldest.RunId}) is {HealthText.Duration(age)} old";
        if (age > options.OutboxBacklogUnhealthyAge)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"{text}, over {HealthText.Duration(options.OutboxBacklogUnhealthyAge)}: commands and events are not getting out (is the broker reachable, does an orchestrator run its sweeper?).",
                data: data);
        }

        return age > options.OutboxBacklogDegradedAge
            ? HealthCheckResult.Degraded($"{text}, over {HealthText.Duration(options.OutboxBacklogDegradedAge)}.", data: data)
            : HealthCheckResult.Healthy($"{text}.", data);
    }
}
