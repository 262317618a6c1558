using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;

namespace Resolute.Persistence.EntityFrameworkCore.Runs;

/// <summary>
/// Reads runs from the saga database without locking: one run with its history (<see cref="GetRunAsync"/>) and pages
/// of runs, newest first (<see cref="ListRunsAsync"/>). The orchestrator's query consumer answers the bus with it; a tool
/// given the database's connection string (<c>resolute runs --db</c>) reads through it directly.
/// </summary>
public sealed class FlowRunQueries
{
    private readonly ResoluteDbContext _db;

    /// <summary>Reads through <paramref name="db"/>.</summary>
    public FlowRunQueries(ResoluteDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
    }

    /// <summary>The run with its history; null when no such run exists.</summary>
    public async Task<FlowRunSnapshot?> GetRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await _db.Set<FlowRun>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.CorrelationId == runId, cancellationToken)
            .ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var history = await _db.NodeExecutions.AsNoTracking()
            .Where(e => e.RunId == runId)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return FlowRunSnapshots.From(run, history);
    }

    /// <summary>
    /// A page of runs, newest first (ties by run id), filtered as <paramref name="request"/> says. Paged by key (the
    /// last run's creation time and id, in <see cref="FlowRunList.ContinuationToken"/>), so a page costs the same at any
    /// depth and runs created meanwhile do not shift later pages.
    /// </summary>
    /// <exception cref="ArgumentException">The limit is out of range or the continuation token is not one of ours; the message says which and how to fix it.</exception>
    public async Task<FlowRunList> ListRunsAsync(ListFlowRuns request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Limit is < 1 or > ListFlowRuns.MaximumLimit)
        {
            throw new ArgumentException($"Limit {request.Limit} is out of range: ask for 1 to {ListFlowRuns.MaximumLimit} runs a page and follow the continuation token for more.");
        }

        var runs = _db.Set<FlowRun>().AsNoTracking();
        if (!string.IsNullOrEmpty(request.FlowName))
        {
            runs = runs.Where(r => r.FlowName == request.FlowName);
        }

        if (request.Statuses is { Count: > 0 } statuses)
        {
            var states = statuses.Distinct().Select(s => s.ToString()).ToList();
            runs = runs.Where(r => states.Contains(r.CurrentState));
        }

        if (request.CreatedFrom is { } from)
        {
            runs = runs.Where(r => r.CreatedAt >= from);
        }

        if (request.CreatedBefore is { } before)
        {
            runs = runs.Where(r => r.CreatedAt < before);
        }

        if (request.ContinuationToken is { } token)
        {
            var (createdAt, runId) = ParseToken(token);
            runs = runs.Where(r => r.CreatedAt < createdAt || (r.CreatedAt == createdAt && r.CorrelationId.CompareTo(runId) < 0));
        }

        var rows = await runs
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.CorrelationId)
            .Take(request.Limit + 1)
            .Select(r => new { r.CorrelationId, r.FlowName, r.FlowVersion, r.CurrentState, r.CurrentStep, r.ErrorSummary, r.CreatedAt, r.UpdatedAt, r.EndedAt })
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        var page = rows.Select(r => new FlowRunSummary
        {
            RunId = r.CorrelationId,
            FlowName = r.FlowName,
            FlowVersion = r.FlowVersion,
            Status = Enum.TryParse<RunStatus>(r.CurrentState, out var status) ? status : RunStatus.Pending,
            CurrentStep = r.CurrentStep,
            ErrorSummary = r.ErrorSummary,
            CreatedAt = r.CreatedAt,
            UpdatedAt = r.UpdatedAt,
            EndedAt = r.EndedAt,
        }).ToList();

        if (page.Count <= request.Limit)
        {
            return new FlowRunList { Runs = page };
        }

        page.RemoveAt(page.Count - 1);
        return new FlowRunList { Runs = page, ContinuationToken = Token(page[^1]) };
    }

    // Opaque to callers; it only has to survive a round trip through them.
    private static string Token(FlowRunSummary last) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{last.CreatedAt.UtcTicks}.{last.RunId:N}")));

    private static (DateTimeOffset CreatedAt, Guid RunId) ParseToken(string token)
    {
        try
        {
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(token)).Split('.');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && Guid.TryParseExact(parts[1], "N", out var runId))
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), runId);
            }
        }
        catch (FormatException)
        {
            // Not base64: reported below like any other token that is not ours.
        }

        throw new ArgumentException($"Continuation token '{token}' is not one a run listing returned. Pass the ContinuationToken of the previous page unchanged, or none for the first page.");
    }
}
