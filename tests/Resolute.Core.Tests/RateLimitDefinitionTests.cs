using Resolute.Tests.TestSupport;
using static Resolute.Tests.TestSupport.Stubs;

namespace Resolute.Tests;

/// <summary>What Build() and the registry refuse about rate limits, beyond the per-value checks of <see cref="FlowBuilderValidationTests"/>.</summary>
[Trait("Area", "RateLimits")]
public sealed class RateLimitDefinitionTests
{
    [Fact]
    public void A_node_with_its_own_limit_and_a_shared_one_is_refused_because_it_draws_from_one_limiter()
    {
        var problem = SingleProblemOf(ManualFlow().Then(Text("a")
            .WithRateLimit(5, TimeSpan.FromSeconds(1))
            .WithSharedRateLimit(RateLimiter.Shared("api", 10, TimeSpan.FromSeconds(1)))));

        ProblemAssert.Mentions(problem, "step 1 node 'a'", "both WithRateLimit and WithSharedRateLimit('api')", "one limiter");
    }

    [Fact]
    public void A_shared_limiter_name_longer_than_200_characters_is_refused()
    {
        var name = new string('x', 201);

        var problem = SingleProblemOf(ManualFlow().Then(Text("a").WithSharedRateLimit(RateLimiter.Shared(name, 10, TimeSpan.FromSeconds(1)))));

        ProblemAssert.Mentions(problem, "step 1 node 'a'", "201 characters", "at most 200");
    }

    [Fact]
    public void Two_flows_declaring_a_shared_limiter_differently_are_refused_by_the_registry_naming_both()
    {
        var registry = new FlowRegistry();
        registry.Add(ManualFlow("one").Then(Text("a").WithSharedRateLimit(RateLimiter.Shared("api", 10, TimeSpan.FromSeconds(1)))).Build());
        var other = ManualFlow("two").Then(Text("b").WithSharedRateLimit(RateLimiter.Shared("api", 20, TimeSpan.FromSeconds(1)))).Build();

        var error = Assert.Throws<InvalidOperationException>(() => registry.Add(other));

        ProblemAssert.Mentions(error.Message, "Flow 'two'", "'api'", "api: 20/1s", "flow 'one'", "api: 10/1s", "RateLimiter.Shared");
    }

    [Fact]
    public void Two_flows_sharing_a_limiter_declared_alike_register_fine()
    {
        var registry = new FlowRegistry();
        registry.Add(ManualFlow("one").Then(Text("a").WithSharedRateLimit(RateLimiter.Shared("api", 10, TimeSpan.FromSeconds(1)))).Build());

        registry.Add(ManualFlow("two").Then(Text("b").WithSharedRateLimit(RateLimiter.Shared("api", 10, TimeSpan.FromSeconds(1)))).Build());

        Assert.Equal(2, registry.Flows.Count);
    }
}
