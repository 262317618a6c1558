using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// Orchestrators migrating one empty SQL Server database at once (<see cref="MigrationConcurrencySuite{TDatabase}"/>), where
/// RESOLUTE_TEST_SQLSERVER names a server; without it the class has no tests.
/// </summary>
[Trait("Area", "Durability")]
[OptionalDatabase(SqlServerProviderFixture.Variable)]
public sealed class SqlServerMigrationConcurrencyTests(SqlServerProviderFixture database) : MigrationConcurrencySuite<SqlServerProviderFixture>(database);
