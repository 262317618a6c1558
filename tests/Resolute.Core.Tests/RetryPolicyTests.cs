using System.Globalization;

namespace Resolute.Tests;

[Trait("Area", "Definition")]
public sealed class RetryPolicyTests
{
    private sealed class PaymentDeclinedException(string message) : Exception(message);

    private sealed class CardExpiredException() : NonRetryableException("card expired");

    [Fact]
    public void Defaults_are_one_second_times_two_at_most_one_minute_three_attempts()
    {
        var policy = new RetryPolicy();

        Assert.Equal(TimeSpan.FromSeconds(1), policy.InitialInterval);
        Assert.Equal(2.0, policy.BackoffCoefficient);
        Assert.Equal(TimeSpan.FromMinutes(1), policy.MaximumInterval);
        Assert.Equal(3, policy.MaximumAttempts);
        Assert.Empty(policy.NonRetryableErrors);
        Assert.Equal(policy, RetryPolicy.Default);
    }

    [Fact]
    public void Setting_one_property_keeps_the_other_defaults()
    {
        // Unlike Go's zero values in the seed's RetryPolicy{MaximumAttempts: 5}, unset properties keep the defaults.
        var policy = new RetryPolicy { MaximumAttempts = 5 };

        Assert.Equal(5, policy.MaximumAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.InitialInterval);
        Assert.Equal(2.0, policy.BackoffCoefficient);
        Assert.Equal(TimeSpan.FromMinutes(1), policy.MaximumInterval);
    }

    [Fact]
    public void Three_attempts_allow_two_retries()
    {
        var policy = RetryPolicy.Default;

        Assert.True(policy.AllowsAnotherAttempt(1));
        Assert.True(policy.AllowsAnotherAttempt(2));
        Assert.False(policy.AllowsAnotherAttempt(3));
        Assert.False(policy.AllowsAnotherAttempt(4));
    }

    [Fact]
    public void One_attempt_allows_no_retry()
    {
        Assert.False(new RetryPolicy { MaximumAttempts = 1 }.AllowsAnotherAttempt(1));
    }

    [Fact]
    public void Zero_maximum_attempts_means_unlimited()
    {
        var policy = new RetryPolicy { MaximumAttempts = 0 };

        Assert.Equal(RetryPolicy.Unlimited, policy.MaximumAttempts);
        Assert.True(policy.AllowsAnotherAttempt(1));
        Assert.True(policy.AllowsAnotherAttempt(3));
        Assert.True(policy.AllowsAnotherAttempt(1_000_000));
    }

    [Fact]
    public void Delay_doubles_from_the_initial_interval_and_is_capped_at_the_maximum_interval()
    {
        var policy = RetryPolicy.Default;

        var delays = Enumerable.Range(2, 8).Select(policy.GetDelayBefore).ToArray();

        Assert.Equal(
            [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8),
             TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(32), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60)],
            delays);
    }

    [Fact]
    public void Delay_stays_at_the_cap_for_very_late_attempts()
    {
        var policy = RetryPolicy.Default;

        Assert.Equal(TimeSpan.FromMinutes(1), policy.GetDelayBefore(100));
        Assert.Equal(TimeSpan.FromMinutes(1), policy.GetDelayBefore(int.MaxValue));
    }

    [Fact]
    public void Delay_follows_a_custom_coefficient()
    {
        var policy = new RetryPolicy
        {
            InitialInterval = TimeSpan.FromMilliseconds(200),
            BackoffCoefficient = 1.5,
            MaximumInterval = TimeSpan.FromSeconds(1),
        };

        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.GetDelayBefore(2));
        Assert.Equal(TimeSpan.FromMilliseconds(300), policy.GetDelayBefore(3));
        Assert.Equal(TimeSpan.FromMilliseconds(450), policy.GetDelayBefore(4));
        Assert.Equal(TimeSpan.FromMilliseconds(675), policy.GetDelayBefore(5));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.GetDelayBefore(6));
    }

    [Fact]
    public void Coefficient_one_gives_a_constant_delay()
    {
        var policy = new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(5), BackoffCoefficient = 1.0 };

        Assert.All(Enumerable.Range(2, 20), attempt => Assert.Equal(TimeSpan.FromSeconds(5), policy.GetDelayBefore(attempt)));
    }

    [Fact]
    public void Delay_is_only_defined_from_the_second_attempt()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.Default.GetDelayBefore(1));
    }

    [Fact]
    public void Ordinary_errors_are_retryable()
    {
        Assert.True(RetryPolicy.Default.IsRetryable(new InvalidOperationException("flaky")));
        Assert.True(RetryPolicy.Default.IsRetryable(new TimeoutException()));
    }

    [Fact]
    public void NonRetryableException_and_its_subclasses_are_never_retried()
    {
        Assert.False(RetryPolicy.Default.IsRetryable(new NonRetryableException("bad input")));
        Assert.False(RetryPolicy.Default.IsRetryable(new CardExpiredException()));
    }

    [Fact]
    public void Listed_error_types_and_their_subclasses_are_not_retried()
    {
        var policy = new RetryPolicy { NonRetryableErrors = [typeof(ArgumentException), typeof(PaymentDeclinedException)] };

        Assert.False(policy.IsRetryable(new ArgumentException("bad")));
        Assert.False(policy.IsRetryable(new ArgumentNullException("x")));
        Assert.False(policy.IsRetryable(new PaymentDeclinedException("declined")));
        Assert.True(policy.IsRetryable(new InvalidOperationException("other")));
    }

    [Fact]
    public void IsRetryable_rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => RetryPolicy.Default.IsRetryable(null!));
    }

    [Fact]
    public void Describe_shows_attempts_back_off_and_cap()
    {
        Assert.Equal("3 attempts, 1s x2 <= 1m", RetryPolicy.Default.Describe());
        Assert.Equal("1 attempt, 1s x2 <= 1m", new RetryPolicy { MaximumAttempts = 1 }.Describe());
        Assert.Equal("unlimited attempts, 500ms x1.5 <= 1m30s",
            new RetryPolicy { MaximumAttempts = 0, InitialInterval = TimeSpan.FromMilliseconds(500), BackoffCoefficient = 1.5, MaximumInterval = TimeSpan.FromSeconds(90) }.Describe());
    }

    [Fact]
    public void Describe_does_not_depend_on_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");

            Assert.Equal("3 attempts, 1s x1.5 <= 1m", new RetryPolicy { BackoffCoefficient = 1.5 }.Describe());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Policies_are_records_compared_by_value()
    {
        var a = new RetryPolicy { MaximumAttempts = 5 };
        var b = new RetryPolicy { MaximumAttempts = 5 };
        var c = a with { MaximumAttempts = 6 };

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(5, a.MaximumAttempts);
    }
}
