using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// The transactional outbox on a migrated SQL Server database (<see cref="ServerOutboxSuite{TDatabase}"/>), where
/// RESOLUTE_TEST_SQLSERVER names a server; without it the class has no tests.
/// </summary>
[Trait("Area", "Operations")]
[OptionalDatabase(SqlServerProviderFixture.Variable)]
public sealed class SqlServerOutboxTests(SqlServerProviderFixture database, ITestOutputHelper output)
    : ServerOutboxSuite<SqlServerProviderFixture>(database, output);
