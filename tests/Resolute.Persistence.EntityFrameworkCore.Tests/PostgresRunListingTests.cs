using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>Run listings on a migrated PostgreSQL database (<see cref="RunListingSuite{TDatabase}"/>).</summary>
[Trait("Area", "Cli")]
public sealed class PostgresRunListingTests(PostgresProviderFixture database) : RunListingSuite<PostgresProviderFixture>(database);
