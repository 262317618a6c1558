using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>Run listings on a migrated SQLite file (<see cref="RunListingSuite{TDatabase}"/>).</summary>
[Trait("Area", "Cli")]
public sealed class SqliteRunListingTests(SqliteProviderFixture database) : RunListingSuite<SqliteProviderFixture>(database);
