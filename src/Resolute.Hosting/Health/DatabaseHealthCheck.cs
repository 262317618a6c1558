using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Resolute.Persistence.EntityFrameworkCore;

namespace Resolute.Health;

/// <summary>Readiness of the orchestrator: the saga database answers <c>SELECT 1</c> (a round trip, not only a pooled connection).</summary>
internal sealed class DatabaseHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        var provider = db.Database.ProviderName ?? "unknown provider";
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever the provider throws, the answer is "not reachable", with its message.
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"The saga database ({provider}) cannot be reached: {e.GetBaseException().Message}", e);
        }

        return HealthCheckResult.Healthy($"The saga database ({provider}) answers.");
    }
}
