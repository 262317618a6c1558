using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>Resolute's migrations on new SQLite files (<see cref="MigrationSuite{TDatabase}"/>).</summary>
[Trait("Area", "Engine")]
public sealed class SqliteMigrationTests(SqliteProviderFixture database) : MigrationSuite<SqliteProviderFixture>(database);
