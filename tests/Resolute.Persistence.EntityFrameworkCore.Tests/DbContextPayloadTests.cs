using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// Saga activities reach the per-message DbContext as a payload; what they add commits with the saga, or rolls back with it.
/// </summary>
[Trait("Area", "Engine")]
public sealed class DbContextPayloadTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_row_added_in_a_saga_activity_commits_with_the_saga(bool saveInActivity)
    {
        await using var host = await StartAsync();
        var id = await StartRunAsync(host);
        var before = await host.ReadRunAsync<PayloadTestDbContext>(id);

        await host.Harness.Bus.Publish(new AuditRequested(id, "committed", saveInActivity, FailAfterwards: false));

        var run = await Poll.UntilAsync(() => host.ReadRunAsync<PayloadTestDbContext>(id), r => r!.CurrentStep == "committed", Deadline, "the saga update");
        Assert.Equal(before!.Version + 1, run!.Version);
        Assert.Equal(["committed"], await AuditNotesAsync(host, id));
    }

    [Fact]
    public async Task A_row_saved_in_a_saga_activity_rolls_back_when_the_activity_then_throws()
    {
        await using var host = await StartAsync();
        var id = await StartRunAsync(host);
        await host.Harness.Bus.Publish(new AuditRequested(id, "first", SaveInActivity: false, FailAfterwards: false));
        var before = await Poll.UntilAsync(() => host.ReadRunAsync<PayloadTestDbContext>(id), r => r!.CurrentStep == "first", Deadline, "the first audit");

        // The row reaches the database (SaveChanges inside the message's transaction), then the activity fails.
        await host.Harness.Bus.Publish(new AuditRequested(id, "doomed", SaveInActivity: true, FailAfterwards: true));

        Assert.True(await host.Harness.Published.Any<Fault<AuditRequested>>(x => x.Context.Message.Message.Note == "doomed"));
        var after = await host.ReadRunAsync<PayloadTestDbContext>(id);
        Assert.Equal("first", after!.CurrentStep);
        Assert.Equal(before!.Version, after.Version);
        Assert.Equal(["first"], await AuditNotesAsync(host, id));
    }

    [Fact]
    public async Task A_retry_after_a_rollback_sees_the_committed_state_not_the_rolled_back_one()
    {
        // The failed attempt changed the tracked saga and added a row; the scope's DbContext must not carry them over.
        await using var host = await StartAsync();
        var id = await StartRunAsync(host);
        await host.Harness.Bus.Publish(new AuditRequested(id, "doomed", SaveInActivity: false, FailAfterwards: true));
        Assert.True(await host.Harness.Published.Any<Fault<AuditRequested>>(x => x.Context.Message.Message.Note == "doomed"));

        await host.Harness.Bus.Publish(new CounterIncremented(id));

        var run = await Poll.UntilAsync(() => host.ReadRunAsync<PayloadTestDbContext>(id), r => r!.Cursor == 1, Deadline, "the increment");
        Assert.Null(run!.CurrentStep);
        Assert.Empty(await AuditNotesAsync(host, id));
    }

    private async Task<SagaTestHost> StartAsync()
    {
        var host = await SagaTestHost.StartAsync<PayloadTestDbContext>(
            p => p.UsePostgres(database.ConnectionString),
            concurrentMessageLimit: 4,
            retryLimit: 5);

        // The test table is not part of Resolute's migrations: create the whole test model once.
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PayloadTestDbContext>().Database.EnsureCreatedAsync();
        return host;
    }

    private static async Task<Guid> StartRunAsync(SagaTestHost host)
    {
        var id = NewId.NextGuid();
        await host.Harness.Bus.Publish(new CounterStarted(id, "audit"));
        await Poll.UntilAsync(() => host.ReadRunAsync<PayloadTestDbContext>(id), r => r is not null, Deadline, "the run's row");
        return id;
    }

    private static async Task<List<string>> AuditNotesAsync(SagaTestHost host, Guid id)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PayloadTestDbContext>();
        return await db.Set<AuditRow>().Where(x => x.RunId == id).OrderBy(x => x.Note).Select(x => x.Note).ToListAsync();
    }
}
