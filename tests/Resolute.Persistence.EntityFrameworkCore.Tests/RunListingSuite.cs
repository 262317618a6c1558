using Microsoft.EntityFrameworkCore;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore.Runs;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// Run listings (<see cref="FlowRunQueries.ListRunsAsync"/>) on a real, migrated database of each provider: newest first,
/// filtered by flow, status and creation time, paged by key so every run is listed once across pages — also when runs
/// share a creation time — and bad requests refused with what to fix. Each test works in a flow name or a time window of
/// its own, since the class shares one database.
/// </summary>
/// <typeparam name="TDatabase">The provider under test.</typeparam>
public abstract class RunListingSuite<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : DatabaseProviderFixture
{
    [ProviderFact]
    public async Task Pages_list_every_run_of_a_flow_once_newest_first_also_when_runs_share_a_creation_time()
    {
        var flow = $"listing-{Guid.NewGuid():N}";
        var t0 = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        // 23 runs over 10 distinct times: ties must be broken consistently across pages.
        var runs = Enumerable.Range(0, 23).Select(i => Run(flow, t0.AddSeconds(i / 3), RunStatus.Completed)).ToList();
        await InsertAsync(runs);
        await InsertAsync([Run($"other-{Guid.NewGuid():N}", t0, RunStatus.Completed)]);

        var listed = new List<FlowRunSummary>();
        string? token = null;
        var pages = 0;
        do
        {
            await using var db = database.CreateDbContext();
            var page = await new FlowRunQueries(db).ListRunsAsync(new ListFlowRuns { FlowName = flow, Limit = 5, ContinuationToken = token }, CancellationToken.None);
            Assert.True(page.Runs.Count is > 0 and <= 5, $"page {pages} has {page.Runs.Count} runs");
            listed.AddRange(page.Runs);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(5, pages);
        Assert.Equal(23, listed.Count);
        Assert.Equal(runs.Select(r => r.CorrelationId).Order(), listed.Select(r => r.RunId).Order());
        Assert.Equal(listed.OrderByDescending(r => r.CreatedAt).Select(r => r.CreatedAt), listed.Select(r => r.CreatedAt));
        Assert.All(listed, r => Assert.Equal(flow, r.FlowName));
    }

    [ProviderFact]
    public async Task Filters_by_status_and_creation_time_and_reports_what_a_listing_shows()
    {
        var flow = $"listing-{Guid.NewGuid():N}";
        var t0 = new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
        var failed = Run(flow, t0.AddMinutes(1), RunStatus.Failed, error: "boom at 'charge'");
        var running = Run(flow, t0.AddMinutes(2), RunStatus.Running);
        var cancelled = Run(flow, t0.AddMinutes(3), RunStatus.Cancelled);
        var completedLate = Run(flow, t0.AddMinutes(10), RunStatus.Completed);
        await InsertAsync([failed, running, cancelled, completedLate]);

        await using var db = database.CreateDbContext();
        var queries = new FlowRunQueries(db);

        var failing = await queries.ListRunsAsync(new ListFlowRuns { FlowName = flow, Statuses = [RunStatus.Failed, RunStatus.Cancelled] }, CancellationToken.None);
        Assert.Equal([cancelled.CorrelationId, failed.CorrelationId], failing.Runs.Select(r => r.RunId));
        Assert.Null(failing.ContinuationToken);
        var summary = failing.Runs[1];
        Assert.Equal(RunStatus.Failed, summary.Status);
        Assert.Equal("boom at 'charge'", summary.ErrorSummary);
        Assert.Equal("v1", summary.FlowVersion);
        Assert.Equal("charge", summary.CurrentStep);
        Assert.Equal(t0.AddMinutes(1), summary.CreatedAt);

        var window = await queries.ListRunsAsync(new ListFlowRuns { FlowName = flow, CreatedFrom = t0.AddMinutes(2), CreatedBefore = t0.AddMinutes(10) }, CancellationToken.None);
        Assert.Equal([cancelled.CorrelationId, running.CorrelationId], window.Runs.Select(r => r.RunId));

        // Every flow, in a window only this test uses.
        var all = await queries.ListRunsAsync(new ListFlowRuns { CreatedFrom = t0, CreatedBefore = t0.AddMinutes(11) }, CancellationToken.None);
        Assert.Equal([completedLate.CorrelationId, cancelled.CorrelationId, running.CorrelationId, failed.CorrelationId], all.Runs.Select(r => r.RunId));
    }

    [ProviderFact]
    public async Task A_limit_out_of_range_or_a_foreign_token_is_refused_with_what_to_do()
    {
        await using var db = database.CreateDbContext();
        var queries = new FlowRunQueries(db);

        var limit = await Assert.ThrowsAsync<ArgumentException>(() => queries.ListRunsAsync(new ListFlowRuns { Limit = 0 }, CancellationToken.None));
        Assert.Contains("1 to 1000", limit.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => queries.ListRunsAsync(new ListFlowRuns { Limit = 1001 }, CancellationToken.None));

        foreach (var token in new[] { "not base64!", Convert.ToBase64String("12.nope"u8.ToArray()), Convert.ToBase64String("x"u8.ToArray()) })
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => queries.ListRunsAsync(new ListFlowRuns { ContinuationToken = token }, CancellationToken.None));
            Assert.Contains("is not one a run listing returned", error.Message, StringComparison.Ordinal);
        }
    }

    [ProviderFact]
    public async Task A_run_reads_back_with_its_history_and_an_unknown_run_is_null()
    {
        var run = Run($"listing-{Guid.NewGuid():N}", new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero), RunStatus.Running);
        await InsertAsync([run]);
        await using var db = database.CreateDbContext();
        var queries = new FlowRunQueries(db);

        var snapshot = await queries.GetRunAsync(run.CorrelationId, CancellationToken.None);
        Assert.NotNull(snapshot);
        Assert.Equal(run.FlowName, snapshot.FlowName);
        Assert.Equal(RunStatus.Running, snapshot.Status);
        Assert.Null(await queries.GetRunAsync(Guid.NewGuid(), CancellationToken.None));
    }

    private static FlowRun Run(string flow, DateTimeOffset createdAt, RunStatus status, string? error = null) => new()
    {
        CorrelationId = Guid.NewGuid(),
        CurrentState = status.ToString(),
        FlowName = flow,
        FlowVersion = "v1",
        CurrentStep = "charge",
        ErrorSummary = error,
        CreatedAt = createdAt,
        UpdatedAt = createdAt.AddSeconds(1),
        EndedAt = status.HasEnded() ? createdAt.AddSeconds(2) : null,
    };

    private async Task InsertAsync(IReadOnlyList<FlowRun> runs)
    {
        await using var db = database.CreateDbContext();
        db.Set<FlowRun>().AddRange(runs);
        await db.SaveChangesAsync();
    }
}
