namespace Resolute.Tests;

[Trait("Area", "Definition")]
public sealed class RateLimiterTests
{
    [Fact]
    public void Shared_limiter_keeps_name_limit_and_period()
    {
        var limiter = RateLimiter.Shared("external-api", 100, TimeSpan.FromMinutes(1));

        Assert.Equal("external-api", limiter.Name);
        Assert.Equal(100, limiter.Limit);
        Assert.Equal(TimeSpan.FromMinutes(1), limiter.Period);
        Assert.Equal("external-api: 100/1m", limiter.ToString());
    }

    [Fact]
    public void Shared_limiter_accepts_bad_values_so_that_Build_reports_them()
    {
        var limiter = RateLimiter.Shared("api", -1, TimeSpan.Zero);

        Assert.Equal(-1, limiter.Limit);
        Assert.Equal(TimeSpan.Zero, limiter.Period);
    }

    [Fact]
    public void Shared_limiter_needs_a_name()
    {
        Assert.Throws<ArgumentNullException>(() => RateLimiter.Shared(null!, 1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Node_rate_limit_is_a_value_with_a_readable_form()
    {
        Assert.Equal(new RateLimit(50, TimeSpan.FromMinutes(1)), new RateLimit(50, TimeSpan.FromMinutes(1)));
        Assert.NotEqual(new RateLimit(50, TimeSpan.FromMinutes(1)), new RateLimit(50, TimeSpan.FromHours(1)));
        Assert.Equal("50/1m", new RateLimit(50, TimeSpan.FromMinutes(1)).ToString());
        Assert.Equal("1000/1h", new RateLimit(1000, TimeSpan.FromHours(1)).ToString());
        Assert.Equal("5/1.5s", new RateLimit(5, TimeSpan.FromMilliseconds(1500)).ToString());
    }
}
