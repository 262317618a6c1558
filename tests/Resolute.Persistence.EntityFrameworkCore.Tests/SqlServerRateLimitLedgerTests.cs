using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// The limiters' ledger on a migrated SQL Server database (<see cref="RateLimitLedgerSuite{TDatabase}"/>), where
/// RESOLUTE_TEST_SQLSERVER names a server; without it the class has no tests.
/// </summary>
[Trait("Area", "Operations")]
[OptionalDatabase(SqlServerProviderFixture.Variable)]
public sealed class SqlServerRateLimitLedgerTests(SqlServerProviderFixture database) : RateLimitLedgerSuite<SqlServerProviderFixture>(database);
