namespace Resolute.Cli.Tests;

/// <summary>One embedded host for every CLI test class: starting one per class would cost more than the tests.</summary>
[CollectionDefinition(Name)]
public sealed class CliHostGroup : ICollectionFixture<CliHost>
{
    public const string Name = "Cli";
}
