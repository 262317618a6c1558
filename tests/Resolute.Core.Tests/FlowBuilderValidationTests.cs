using Resolute.Tests.TestSupport;
using static Resolute.Tests.TestSupport.Stubs;

namespace Resolute.Tests;

/// <summary>
/// Every rule <see cref="FlowBuilder.Build"/> checks. Each problem must say what is wrong, where, and how to fix it.
/// </summary>
[Trait("Area", "Definition")]
public sealed class FlowBuilderValidationTests
{
    private static Node<string, string> A => Text("a");

    // ---- flow level -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_flow_name_is_reported(string name)
    {
        var problem = SingleProblemOf(Flow.Create(name).TriggeredBy(Trigger.Manual("api")).Then(A));

        ProblemAssert.Mentions(problem, "flow name is empty", "Flow.Create(");
    }

    [Fact]
    public void Missing_trigger_is_reported()
    {
        var problem = SingleProblemOf(Flow.Create("f").Then(A));

        ProblemAssert.Mentions(problem, "no trigger", "TriggeredBy(Trigger.Manual(", "Trigger.Schedule(");
    }

    [Fact]
    public void Null_trigger_is_reported_with_the_missing_trigger()
    {
        var problems = ProblemsOf(Flow.Create("f").TriggeredBy(null!).Then(A));

        Assert.Equal(2, problems.Count);
        ProblemAssert.Single(problems, "TriggeredBy(null)", "Trigger.Manual(...)", "Trigger.Schedule(...)");
        ProblemAssert.Single(problems, "no trigger");
    }

    [Fact]
    public void Flow_without_steps_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow());

        ProblemAssert.Mentions(problem, "no steps", "Then(node)", "ThenParallel(name, nodes)");
    }

    // ---- names and keys ---------------------------------------------------------------------------------------

    [Fact]
    public void Duplicate_node_names_are_reported_with_both_places()
    {
        var problems = ProblemsOf(ManualFlow().Then(Text("a").As("first")).Then(Text("b")).Then(Text("a").As("second")));

        var problem = Assert.Single(problems);
        Assert.Equal(
            "step 3 node 'a': duplicate node name; 'a' is already used at step 1 node 'a'. Node names must be unique within a flow.",
            problem);
    }

    [Fact]
    public void The_same_node_used_twice_is_a_duplicate_name_and_key()
    {
        var a = A;

        var problems = ProblemsOf(ManualFlow().Then(a).Then(a));

        Assert.Equal(2, problems.Count);
        ProblemAssert.Single(problems, "duplicate node name", "step 2 node 'a'", "step 1 node 'a'");
        ProblemAssert.Single(problems, "duplicate output key 'a'", "step 2 node 'a'", "As(...)");
    }

    [Fact]
    public void Duplicate_node_names_across_the_branches_of_a_When_are_reported()
    {
        var builder = ManualFlow()
            .Then(Text("check"))
            .When(_ => true).Then(Text("x").As("x-then")).Else().Then(Text("x").As("x-else")).EndWhen();

        var problem = SingleProblemOf(builder);

        Assert.Equal(
            "step 2 (when 'when-1') else-branch step 1 node 'x': duplicate node name; 'x' is already used at " +
            "step 2 (when 'when-1') then-branch step 1 node 'x'. Node names must be unique within a flow.",
            problem);
    }

    [Fact]
    public void Duplicate_node_names_inside_a_parallel_step_are_reported()
    {
        var problems = ProblemsOf(ManualFlow().ThenParallel("group", Text("a").As("k1"), Text("a").As("k2")));

        ProblemAssert.Single(problems, "duplicate node name", "step 1 ('group') node 'a'");
    }

    [Fact]
    public void Duplicate_As_keys_are_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(Text("a").As("data")).Then(Text("b").As("data")));

        Assert.Equal(
            "step 2 node 'b': duplicate output key 'data', already used at step 1 node 'a'; give one of them another As(...) key.",
            problem);
    }

    [Fact]
    public void An_As_key_equal_to_another_node_name_is_a_duplicate_output_key()
    {
        var problem = SingleProblemOf(ManualFlow().Then(Text("issues")).ThenParallel("p", Text("b").As("issues")));

        ProblemAssert.Mentions(problem, "step 2 ('p') node 'b'", "duplicate output key 'issues'", "step 1 node 'issues'", "another As(...) key");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Empty_As_key_is_reported(string key)
    {
        var problem = SingleProblemOf(ManualFlow().Then(Text("a").As(key)));

        ProblemAssert.Mentions(problem, "step 1 node 'a'", "As(...) key is empty", "drop As to use the node name");
    }

    [Fact]
    public void Empty_node_name_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(Text("")));

        ProblemAssert.Mentions(problem, "step 1 node ''", "node name is empty", "unique, non-empty name");
    }

    // ---- parallel steps ---------------------------------------------------------------------------------------

    [Fact]
    public void Empty_parallel_group_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A).ThenParallel("enrich"));

        Assert.Equal("step 2: parallel step 'enrich' has no nodes; pass at least one node or remove the step.", problem);
    }

    [Fact]
    public void Null_node_array_is_an_empty_parallel_group()
    {
        var problem = SingleProblemOf(ManualFlow().ThenParallel("enrich", null!));

        ProblemAssert.Mentions(problem, "step 1: parallel step 'enrich' has no nodes");
    }

    [Fact]
    public void Null_node_in_a_parallel_step_is_reported_by_position()
    {
        var problem = SingleProblemOf(ManualFlow().ThenParallel("enrich", Text("a"), null!, Text("c")));

        Assert.Equal(
            "step 1: parallel step 'enrich': node #2 is null; every node of a parallel step must be created with Node.Create.",
            problem);
    }

    [Fact]
    public void Empty_parallel_step_name_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().ThenParallel(" ", Text("a")));

        ProblemAssert.Mentions(problem, "step 1", "ThenParallel needs a non-empty name", "ThenParallel(\"enrich-sources\"");
    }

    [Fact]
    public void Duplicate_parallel_step_names_are_reported()
    {
        var problem = SingleProblemOf(ManualFlow().ThenParallel("calls", Text("a"), Text("b")).ThenParallel("calls", Text("c"), Text("d")));

        Assert.Equal(
            "step 2: parallel step name 'calls' is already used at step 1; step names must be unique so run history is unambiguous.",
            problem);
    }

    [Fact]
    public void Duplicate_When_names_are_reported()
    {
        var problem = SingleProblemOf(ManualFlow()
            .When("is-rush", _ => true).Then(Text("a")).EndWhen()
            .When("is-rush", _ => true).Then(Text("b")).EndWhen());

        ProblemAssert.Mentions(problem, "step 2", "When name 'is-rush' is already used at step 1", "unique name to When(name, predicate)");
    }

    // ---- sequential steps -------------------------------------------------------------------------------------

    [Fact]
    public void Then_null_is_reported_where_it_was_written()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A).Then(null!));

        Assert.Equal("step 2: Then(null) — pass a node created with Node.Create.", problem);
    }

    [Fact]
    public void Then_null_inside_a_branch_names_the_branch()
    {
        var problem = SingleProblemOf(ManualFlow().When(_ => true).Then(A).Then(null!).EndWhen());

        ProblemAssert.Mentions(problem, "step 1 then-branch step 2: Then(null)");
    }

    // ---- conditionals -----------------------------------------------------------------------------------------

    [Fact]
    public void When_without_EndWhen_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A).When(_ => true).Then(Text("b")));

        Assert.Equal("step 2: When 'when-1' is never closed; add EndWhen() after its steps.", problem);
    }

    [Fact]
    public void Nested_Whens_without_EndWhen_are_each_reported()
    {
        var problems = ProblemsOf(ManualFlow().When(_ => true).Then(A).When(_ => false).Then(Text("b")));

        Assert.Equal(2, problems.Count);
        ProblemAssert.Single(problems, "When 'when-1' is never closed", "step 1:");
        ProblemAssert.Single(problems, "When 'when-2' is never closed", "step 1 then-branch step 2:");
    }

    [Fact]
    public void Else_twice_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().When(_ => true).Then(A).Else().Then(Text("b")).Else().Then(Text("c")).EndWhen());

        ProblemAssert.Mentions(problem, "step 1 else-branch step 2", "Else() called twice for When 'when-1'", "at most one Else");
    }

    [Fact]
    public void Else_without_When_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A).Else().Then(Text("b")));

        Assert.Equal("step 2: Else() without a matching When(...).", problem);
    }

    [Fact]
    public void EndWhen_without_When_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A).EndWhen());

        Assert.Equal("step 2: EndWhen() without a matching When(...).", problem);
    }

    [Fact]
    public void An_extra_EndWhen_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().When(_ => true).Then(A).EndWhen().EndWhen());

        ProblemAssert.Mentions(problem, "step 2: EndWhen() without a matching When(...)");
    }

    [Fact]
    public void Empty_then_branch_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().When(_ => true).Else().Then(A).EndWhen());

        Assert.Equal("step 1: When 'when-1' has an empty then-branch; add steps after When(...) or remove the block.", problem);
    }

    [Fact]
    public void Empty_When_block_is_reported_as_an_empty_then_branch()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A).When(_ => true).EndWhen());

        ProblemAssert.Mentions(problem, "step 2: When 'when-1' has an empty then-branch");
    }

    [Fact]
    public void Empty_else_branch_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().When(_ => true).Then(A).Else().EndWhen());

        Assert.Equal("step 1: When 'when-1' has an empty else-branch; add steps after Else() or remove Else().", problem);
    }

    [Fact]
    public void Null_When_predicate_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().When(null!).Then(A).EndWhen());

        ProblemAssert.Mentions(problem, "step 1", "When 'when-1' has a null predicate");
    }

    [Fact]
    public void Empty_When_name_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().When("", _ => true).Then(A).EndWhen());

        ProblemAssert.Mentions(problem, "step 1", "When needs a non-empty name");
    }

    // ---- triggers ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("61 * * * *", "minute field", "'61': Minute and Second values must be between 0 and 59")]
    [InlineData("0 */0 * * *", "hour field", "'*/0': A step of 0 is not a step")]
    [InlineData("0 */25 * * *", "hour field", "'*/25': Increment > 23")]
    [InlineData("0 */4 * *", "is invalid: it has 4 fields", "expected 5 (minute hour day-of-month month day-of-week) or 6")]
    [InlineData("0 0 * * * * *", "is invalid: it has 7 fields", "expected 5")]
    [InlineData("0 0 1 FOO *", "month field", "'FOO'")]
    [InlineData("0 0 * * FUN", "day-of-week field", "'FUN': Invalid Day-of-Week value")]
    [InlineData("0 0 32 * *", "day-of-month field", "'32': Day of month values must be between 1 and 31")]
    public void Cron_that_does_not_parse_is_reported_with_field_and_reason(string cron, string field, string reason)
    {
        var problem = SingleProblemOf(Flow.Create("f").TriggeredBy(Trigger.Schedule(cron)).Then(A));

        ProblemAssert.Mentions(problem, "trigger #1: ", $"Cron expression '{cron}'", field, reason);
    }

    [Fact]
    public void Bad_cron_in_the_second_trigger_is_numbered()
    {
        var problem = SingleProblemOf(Flow.Create("f").TriggeredBy(Trigger.Manual()).TriggeredBy(Trigger.Schedule("0 24 * * *")).Then(A));

        ProblemAssert.Mentions(problem, "trigger #2: ", "hour field", "'24': Hour values must be between 0 and 23");
    }

    [Fact]
    public void Unknown_time_zone_is_reported()
    {
        var problem = SingleProblemOf(Flow.Create("f").TriggeredBy(Trigger.Schedule("0 * * * *", "Mars/Olympus_Mons")).Then(A));

        ProblemAssert.Mentions(problem, "trigger #1: ", "time zone 'Mars/Olympus_Mons' is not known", "IANA id such as 'Europe/Berlin'", "omit it for UTC");
    }

    // ---- node settings ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(-1000, "-00:00:01")]
    public void Non_positive_timeout_is_reported(int milliseconds, string shown)
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithTimeout(TimeSpan.FromMilliseconds(milliseconds))));

        Assert.Equal($"step 1 node 'a': timeout is {shown}; WithTimeout needs a positive duration.", problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Non_positive_rate_limit_count_is_reported(int limit)
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithRateLimit(limit, TimeSpan.FromMinutes(1))));

        Assert.Equal($"step 1 node 'a': rate limit is {limit} per period; WithRateLimit needs a positive count.", problem);
    }

    [Fact]
    public void Non_positive_rate_limit_period_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().ThenParallel("calls", A.WithRateLimit(10, TimeSpan.Zero)));

        Assert.Equal("step 1 ('calls') node 'a': rate limit period is 00:00:00; WithRateLimit needs a positive period.", problem);
    }

    [Fact]
    public void Non_positive_shared_limiter_count_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithSharedRateLimit(RateLimiter.Shared("api", 0, TimeSpan.FromMinutes(1)))));

        Assert.Equal("step 1 node 'a': shared rate limiter 'api' allows 0 per period; the limit must be positive.", problem);
    }

    [Fact]
    public void Non_positive_shared_limiter_period_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithSharedRateLimit(RateLimiter.Shared("api", 10, TimeSpan.FromSeconds(-1)))));

        Assert.Equal("step 1 node 'a': shared rate limiter 'api' has period -00:00:01; the period must be positive.", problem);
    }

    [Fact]
    public void Empty_shared_limiter_name_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithSharedRateLimit(RateLimiter.Shared(" ", 10, TimeSpan.FromSeconds(1)))));

        ProblemAssert.Mentions(problem, "step 1 node 'a'", "shared rate limiter has an empty name");
    }

    [Fact]
    public void Shared_limiter_declared_twice_with_different_limits_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow()
            .Then(Text("a").WithSharedRateLimit(RateLimiter.Shared("api", 100, TimeSpan.FromMinutes(1))))
            .Then(Text("b").WithSharedRateLimit(RateLimiter.Shared("api", 50, TimeSpan.FromMinutes(1)))));

        Assert.Equal(
            "step 2 node 'b': shared rate limiter 'api' is declared as api: 50/1m here but as api: 100/1m at step 1 node 'a'; " +
            "create it once with RateLimiter.Shared and reuse it.",
            problem);
    }

    [Fact]
    public void Shared_limiter_declared_twice_with_different_periods_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow()
            .Then(Text("a").WithSharedRateLimit(RateLimiter.Shared("api", 100, TimeSpan.FromMinutes(1))))
            .Then(Text("b").OnError(Text("undo-b").WithSharedRateLimit(RateLimiter.Shared("api", 100, TimeSpan.FromHours(1))))));

        ProblemAssert.Mentions(problem, "step 2 node 'b' compensation 'undo-b'", "shared rate limiter 'api'", "api: 100/1h", "api: 100/1m at step 1 node 'a'");
    }

    [Fact]
    public void Shared_limiter_declared_twice_with_equal_limits_is_accepted()
    {
        var flow = ManualFlow()
            .Then(Text("a").WithSharedRateLimit(RateLimiter.Shared("api", 100, TimeSpan.FromMinutes(1))))
            .Then(Text("b").WithSharedRateLimit(RateLimiter.Shared("api", 100, TimeSpan.FromMinutes(1))))
            .Build();

        Assert.Equal(2, flow.Nodes.Count);
    }

    [Fact]
    public void Negative_retry_maximum_attempts_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithRetry(new RetryPolicy { MaximumAttempts = -1 })));

        Assert.Equal("step 1 node 'a': retry MaximumAttempts is -1; it must be 1 or more, or 0 for unlimited.", problem);
    }

    [Fact]
    public void Zero_retry_initial_interval_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithRetry(new RetryPolicy { InitialInterval = TimeSpan.Zero })));

        Assert.Equal("step 1 node 'a': retry InitialInterval is 00:00:00; it must be positive.", problem);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    public void Retry_coefficient_below_one_is_reported(double coefficient)
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithRetry(new RetryPolicy { BackoffCoefficient = coefficient })));

        ProblemAssert.Mentions(problem, "step 1 node 'a': retry BackoffCoefficient is ", "it must be 1.0 or more.");
    }

    [Fact]
    public void Retry_maximum_interval_below_initial_interval_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithRetry(new RetryPolicy
        {
            InitialInterval = TimeSpan.FromSeconds(10),
            MaximumInterval = TimeSpan.FromSeconds(5),
        })));

        Assert.Equal("step 1 node 'a': retry MaximumInterval (00:00:05) is shorter than InitialInterval (00:00:10).", problem);
    }

    [Fact]
    public void Non_exception_type_in_NonRetryableErrors_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithRetry(new RetryPolicy { NonRetryableErrors = [typeof(ArgumentException), typeof(string)] })));

        Assert.Equal("step 1 node 'a': retry NonRetryableErrors contains 'System.String', which is not an exception type.", problem);
    }

    [Fact]
    public void Null_in_NonRetryableErrors_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithRetry(new RetryPolicy { NonRetryableErrors = [null!] })));

        ProblemAssert.Mentions(problem, "NonRetryableErrors contains 'null'", "not an exception type");
    }

    [Fact]
    public void Every_retry_problem_of_one_policy_is_reported()
    {
        var problems = ProblemsOf(ManualFlow().Then(A.WithRetry(new RetryPolicy
        {
            MaximumAttempts = -2,
            InitialInterval = TimeSpan.FromSeconds(-1),
            BackoffCoefficient = 0.1,
            MaximumInterval = TimeSpan.FromSeconds(-5),
            NonRetryableErrors = [typeof(int)],
        })));

        Assert.Equal(5, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("step 1 node 'a': retry ", p, StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_task_queue_is_reported()
    {
        var problem = SingleProblemOf(ManualFlow().Then(A.WithTaskQueue("")));

        Assert.Equal("step 1 node 'a': task queue is empty; pass a queue name to WithTaskQueue or drop it to use the worker's queue.", problem);
    }

    // ---- compensations ----------------------------------------------------------------------------------------

    [Fact]
    public void Compensation_that_is_also_a_step_is_reported()
    {
        var b = Text("b");

        var problem = SingleProblemOf(ManualFlow().Then(Text("a").OnError(b)).Then(b));

        Assert.Equal(
            "step 1 node 'a' compensation 'b': the compensation node is also a step of the flow (step 2 node 'b'); " +
            "a compensation must be a separate node that only runs to undo 'a'.",
            problem);
    }

    [Fact]
    public void Compensation_with_its_own_OnError_is_reported()
    {
        var undo = Text("undo-a").OnError(Text("undo-undo-a"));

        var problem = SingleProblemOf(ManualFlow().Then(Text("a").OnError(undo)));

        Assert.Equal(
            "step 1 node 'a' compensation 'undo-a': a compensation node has its own OnError(...); compensations are not compensated — remove it.",
            problem);
    }

    [Fact]
    public void Two_different_compensations_with_the_same_name_are_reported()
    {
        var problem = SingleProblemOf(ManualFlow()
            .Then(Text("a").OnError(Text("undo")))
            .ThenParallel("p", Text("b").OnError(Text("undo"))));

        Assert.Equal(
            "step 2 ('p') node 'b' compensation 'undo': another, different compensation node is also named 'undo'; " +
            "give each compensation node a unique name (or reuse the same node value).",
            problem);
    }

    [Fact]
    public void Compensation_settings_are_validated_like_step_settings()
    {
        var problem = SingleProblemOf(ManualFlow().Then(Text("a").OnError(Text("undo-a").WithTimeout(TimeSpan.Zero))));

        Assert.Equal("step 1 node 'a' compensation 'undo-a': timeout is 00:00:00; WithTimeout needs a positive duration.", problem);
    }

    // ---- all at once ------------------------------------------------------------------------------------------

    [Fact]
    public void Build_reports_every_problem_at_once()
    {
        var builder = Flow.Create("")
            .Then(Text("a").WithTimeout(TimeSpan.Zero))
            .ThenParallel("empty")
            .Else()
            .Then(Text("a"))
            .Then(Text("b").WithRateLimit(0, TimeSpan.FromMinutes(1)).WithRetry(new RetryPolicy { MaximumAttempts = -1 }))
            .When(_ => true);

        var error = Assert.Throws<FlowDefinitionException>(builder.Build);

        Assert.Equal(
            [
                // The flow as a whole first, then in definition order: each problem at the call that made it.
                "The flow name is empty; pass a name to Flow.Create, e.g. Flow.Create(\"enrich-issues\").",
                "The flow has no trigger; add TriggeredBy(Trigger.Manual(\"api\")) or TriggeredBy(Trigger.Schedule(\"0 * * * *\")).",
                "step 1 node 'a': timeout is 00:00:00; WithTimeout needs a positive duration.",
                "step 2: parallel step 'empty' has no nodes; pass at least one node or remove the step.",
                "step 3: Else() without a matching When(...).",
                "step 3 node 'a': duplicate node name; 'a' is already used at step 1 node 'a'. Node names must be unique within a flow.",
                "step 3 node 'a': duplicate output key 'a', already used at step 1 node 'a'; give one of them another As(...) key.",
                "step 4 node 'b': retry MaximumAttempts is -1; it must be 1 or more, or 0 for unlimited.",
                "step 4 node 'b': rate limit is 0 per period; WithRateLimit needs a positive count.",
                "step 5: When 'when-1' is never closed; add EndWhen() after its steps.",
                "step 5: When 'when-1' has an empty then-branch; add steps after When(...) or remove the block.",
            ],
            error.Problems);
        Assert.Equal(11, error.Problems.Count);
        Assert.Equal("", error.FlowName);
        Assert.StartsWith("Flow '' is not valid: 11 problems:", error.Message, StringComparison.Ordinal);
        for (var i = 0; i < error.Problems.Count; i++)
        {
            Assert.Contains($"{Environment.NewLine}  {i + 1}. {error.Problems[i]}", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Problems_are_listed_in_definition_order_whichever_check_finds_them()
    {
        // Step 2's problem is found by the node checks of Build(), steps 3 and 4's while building: still 2, 3, 4.
        var builder = ManualFlow()
            .Then(A)
            .Then(Text("b").WithTimeout(TimeSpan.Zero))
            .ThenParallel("empty")
            .Else();

        var error = Assert.Throws<FlowDefinitionException>(builder.Build);

        Assert.Equal(
            [
                "step 2 node 'b': timeout is 00:00:00; WithTimeout needs a positive duration.",
                "step 3: parallel step 'empty' has no nodes; pass at least one node or remove the step.",
                "step 4: Else() without a matching When(...).",
            ],
            error.Problems);
    }

    [Fact]
    public void Problems_inside_a_When_block_come_between_the_steps_around_it()
    {
        var builder = ManualFlow()
            .Then(A)
            .When("check", _ => true)
                .Then(Text("b").WithTimeout(TimeSpan.Zero))
                .ThenParallel("empty")
            .EndWhen()
            .Then(Text("a"));

        var error = Assert.Throws<FlowDefinitionException>(builder.Build);

        Assert.Collection(
            error.Problems,
            p => Assert.StartsWith("step 2 (when 'check') then-branch step 1 node 'b': timeout", p, StringComparison.Ordinal),
            p => Assert.StartsWith("step 2 then-branch step 2: parallel step 'empty' has no nodes", p, StringComparison.Ordinal),
            p => Assert.StartsWith("step 3 node 'a': duplicate node name", p, StringComparison.Ordinal),
            p => Assert.StartsWith("step 3 node 'a': duplicate output key", p, StringComparison.Ordinal));
    }

    [Fact]
    public void Exception_message_for_one_problem_is_singular()
    {
        var error = Assert.Throws<FlowDefinitionException>(() => Flow.Create("orders").Then(A).Build());

        Assert.Equal("orders", error.FlowName);
        Assert.Equal(
            $"Flow 'orders' is not valid: 1 problem:{Environment.NewLine}  1. {error.Problems[0]}",
            error.Message);
    }

    [Fact]
    public void A_failed_definition_can_be_fixed_and_built_again()
    {
        var builder = Flow.Create("f").Then(A);
        Assert.Throws<FlowDefinitionException>(builder.Build);

        var flow = builder.TriggeredBy(Trigger.Manual()).Build();

        Assert.Equal("f", flow.Name);
    }

    [Fact]
    public void Build_of_an_open_When_does_not_close_it_for_later_steps()
    {
        var builder = ManualFlow().When(_ => true).Then(A);
        Assert.Throws<FlowDefinitionException>(builder.Build);

        var flow = builder.EndWhen().Then(Text("b")).Build();

        Assert.Equal(2, flow.Plan.Steps.Count);
    }
}
