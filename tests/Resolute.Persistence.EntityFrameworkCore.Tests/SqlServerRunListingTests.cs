using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// Run listings on a migrated SQL Server database (<see cref="RunListingSuite{TDatabase}"/>), where
/// RESOLUTE_TEST_SQLSERVER names a server; without it the class has no tests.
/// </summary>
[Trait("Area", "Operations")]
[OptionalDatabase(SqlServerProviderFixture.Variable)]
public sealed class SqlServerRunListingTests(SqlServerProviderFixture database) : RunListingSuite<SqlServerProviderFixture>(database);
