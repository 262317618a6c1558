using Resolute.Tests.TestSupport;

namespace Resolute.Tests.BadInput;

/// <summary>
/// Cron and rate-limit settings out of range are refused by <see cref="FlowBuilder.Build"/>, every one in the same
/// <see cref="FlowDefinitionException"/>, each naming where it is (trigger number, step and node), what is wrong and what
/// is allowed — before any run exists, so no run can be stuck on them.
/// </summary>
[Trait("Area", "BadInput")]
public sealed class ScheduleAndRateLimitRangeTests
{
    private static readonly Node<string, string> A = Stubs.Text("a");

    [Theory]
    [InlineData("61 * * * *", "minute field", "'61': Minute and Second values must be between 0 and 59")]
    [InlineData("0 24 * * *", "hour field", "'24': Hour values must be between 0 and 23")]
    [InlineData("0 0 32 * *", "day-of-month field", "'32': Day of month values must be between 1 and 31")]
    [InlineData("0 0 1 13 *", "month field", "'13'")]
    [InlineData("0 0 * * 8", "day-of-week field", "'8'")]
    [InlineData("0 */0 * * *", "hour field", "A step of 0 is not a step")]
    [InlineData("* * * *", "is invalid: it has 4 fields", "expected 5 (minute hour day-of-month month day-of-week) or 6")]
    public void A_cron_field_out_of_range_is_refused_naming_the_trigger_the_field_and_the_allowed_values(string cron, string field, string reason)
    {
        var problem = SingleProblem(Flow.Create("nightly").TriggeredBy(Trigger.Schedule(cron)).Then(A));

        ProblemAssert.Mentions(problem, "trigger #1: ", $"Cron expression '{cron}'", field, reason);
    }

    [Theory]
    [InlineData("0 0 30 2 *")]
    [InlineData("0 0 31 4 *")]
    public void A_cron_that_never_fires_is_refused_instead_of_never_starting_a_run(string cron)
    {
        var problem = SingleProblem(Flow.Create("nightly").TriggeredBy(Trigger.Schedule(cron)).Then(A));

        Assert.Equal($"trigger #1: Cron expression '{cron}' never fires: no date matches its day-of-month and month fields together (for example 30 February). Check those two fields.", problem);
    }

    [Fact]
    public void A_cron_that_fires_only_in_leap_years_is_accepted()
    {
        var flow = Flow.Create("leap").TriggeredBy(Trigger.Schedule("0 0 29 2 *")).Then(A).Build();

        Assert.Equal(new DateTimeOffset(2028, 2, 29, 0, 0, 0, TimeSpan.Zero), ((ScheduleTrigger)flow.Triggers[0]).GetNextOccurrence(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData(0, 60_000, "rate limit is 0 per period; WithRateLimit needs a positive count.")]
    [InlineData(-3, 60_000, "rate limit is -3 per period; WithRateLimit needs a positive count.")]
    [InlineData(10, 0, "rate limit period is 00:00:00; WithRateLimit needs a positive period.")]
    [InlineData(10, -1_000, "rate limit period is -00:00:01; WithRateLimit needs a positive period.")]
    [InlineData(5_000, 1_000, "WithRateLimit allows 5000 per 00:00:01, one start every 00:00:00.0002000; starts are spaced at least 1ms apart (at most 1,000 a second). Lower the count or lengthen the period, or drop the limit.")]
    public void A_node_rate_limit_out_of_range_is_refused_naming_the_node(int limit, int periodMs, string message)
    {
        var problem = SingleProblem(Flow.Create("calls").TriggeredBy(Trigger.Manual()).Then(A.WithRateLimit(limit, TimeSpan.FromMilliseconds(periodMs))));

        Assert.Equal($"step 1 node 'a': {message}", problem);
    }

    [Fact]
    public void A_rate_limit_period_over_366_days_is_refused_saying_to_use_a_schedule()
    {
        var problem = SingleProblem(Flow.Create("calls").TriggeredBy(Trigger.Manual()).Then(A.WithRateLimit(1, TimeSpan.MaxValue)));

        ProblemAssert.Mentions(problem, "step 1 node 'a': WithRateLimit has period", "at most 366.00:00:00 is supported", "Trigger.Schedule");
    }

    [Fact]
    public void The_fastest_and_slowest_accepted_rate_limits_build()
    {
        Flow.Create("calls").TriggeredBy(Trigger.Manual())
            .Then(A.WithRateLimit(1_000, TimeSpan.FromSeconds(1)))
            .Then(Stubs.Text("b").WithSharedRateLimit(RateLimiter.Shared("yearly", 1, RateLimiter.MaxPeriod)))
            .Build();
    }

    [Theory]
    [InlineData(0, 60_000, "shared rate limiter 'api' allows 0 per period; the limit must be positive.")]
    [InlineData(10, -1, "shared rate limiter 'api' has period -00:00:00.0010000; the period must be positive.")]
    [InlineData(int.MaxValue, 60_000, "shared rate limiter 'api' allows 2147483647 per 00:01:00, one start every 00:00:00; starts are spaced at least 1ms apart")]
    public void A_shared_rate_limiter_out_of_range_is_refused_naming_the_limiter_and_the_node(int limit, int periodMs, string message)
    {
        var problem = SingleProblem(Flow.Create("calls").TriggeredBy(Trigger.Manual()).Then(A.WithSharedRateLimit(RateLimiter.Shared("api", limit, TimeSpan.FromMilliseconds(periodMs)))));

        ProblemAssert.Mentions(problem, "step 1 node 'a': ", message);
    }

    [Fact]
    public void Every_out_of_range_setting_is_reported_at_once()
    {
        var error = Assert.Throws<FlowDefinitionException>(() => Flow.Create("calls")
            .TriggeredBy(Trigger.Schedule("0 0 30 2 *"))
            .Then(A.WithRateLimit(0, TimeSpan.FromMinutes(1)))
            .Then(Stubs.Text("b").WithRateLimit(1, TimeSpan.FromDays(400)))
            .Build());

        Assert.Equal(3, error.Problems.Count);
    }

    private static string SingleProblem(FlowBuilder builder) => Assert.Single(Assert.Throws<FlowDefinitionException>(builder.Build).Problems);
}
