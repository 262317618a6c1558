using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// Resolute's migrations on real, empty SQL Server databases (<see cref="MigrationSuite{TDatabase}"/>), where
/// RESOLUTE_TEST_SQLSERVER names a server; without it the class has no tests.
/// </summary>
[Trait("Area", "Operations")]
[OptionalDatabase(SqlServerProviderFixture.Variable)]
public sealed class SqlServerMigrationTests(SqlServerProviderFixture database) : MigrationSuite<SqlServerProviderFixture>(database);
