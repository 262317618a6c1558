using Xunit.Abstractions;
using Xunit.Sdk;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// Marks a provider-suite test class whose database exists only where an environment variable names it (SQL Server:
/// <see cref="SqlServerProviderFixture.Variable"/>). Where the variable is not set, the class's
/// <see cref="ProviderFactAttribute"/> and <see cref="ProviderTheoryAttribute"/> tests are not generated at all: no test is
/// skipped, and the counts show only the databases that really ran.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class OptionalDatabaseAttribute(string variable) : Attribute
{
    /// <summary>The environment variable that must be set (non-blank) for the class to have tests.</summary>
    public string Variable { get; } = variable;

    /// <summary>True when <paramref name="testClass"/> is marked and its variable is not set.</summary>
    internal static bool IsAbsent(ITypeInfo testClass)
    {
        var marker = testClass.GetCustomAttributes(typeof(OptionalDatabaseAttribute)).SingleOrDefault();
        return marker is not null
            && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(marker.GetConstructorArguments().Cast<string>().Single()));
    }
}

/// <summary>A test of a provider suite: a <see cref="FactAttribute"/> that exists only where its class's database does.</summary>
[XunitTestCaseDiscoverer("Resolute.Persistence.EntityFrameworkCore.Tests.Support.ProviderFactDiscoverer", "Resolute.Persistence.EntityFrameworkCore.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ProviderFactAttribute : FactAttribute;

/// <summary>A theory of a provider suite: a <see cref="TheoryAttribute"/> that exists only where its class's database does.</summary>
[XunitTestCaseDiscoverer("Resolute.Persistence.EntityFrameworkCore.Tests.Support.ProviderTheoryDiscoverer", "Resolute.Persistence.EntityFrameworkCore.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ProviderTheoryAttribute : TheoryAttribute;

/// <summary>Discovers a <see cref="ProviderFactAttribute"/> test as a fact, unless its class's database is absent.</summary>
public sealed class ProviderFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    /// <inheritdoc />
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        return OptionalDatabaseAttribute.IsAbsent(testMethod.TestClass.Class) ? [] : base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}

/// <summary>Discovers a <see cref="ProviderTheoryAttribute"/> test as a theory, unless its class's database is absent.</summary>
public sealed class ProviderTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    /// <inheritdoc />
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        return OptionalDatabaseAttribute.IsAbsent(testMethod.TestClass.Class) ? [] : base.Discover(discoveryOptions, testMethod, theoryAttribute);
    }
}
