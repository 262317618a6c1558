using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// The saga repository on a migrated SQL Server database (<see cref="ServerSagaRepositorySuite{TDatabase}"/>), where
/// RESOLUTE_TEST_SQLSERVER names a server; without it the class has no tests.
/// </summary>
[Trait("Area", "Operations")]
[OptionalDatabase(SqlServerProviderFixture.Variable)]
public sealed class SqlServerSagaRepositoryTests(SqlServerProviderFixture database, ITestOutputHelper output)
    : ServerSagaRepositorySuite<SqlServerProviderFixture>(database, output);
