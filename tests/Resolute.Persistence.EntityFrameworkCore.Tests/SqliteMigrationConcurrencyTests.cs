using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>Migrators of one process on one new SQLite file at once (<see cref="MigrationConcurrencySuite{TDatabase}"/>).</summary>
[Trait("Area", "Durability")]
public sealed class SqliteMigrationConcurrencyTests(SqliteProviderFixture database) : MigrationConcurrencySuite<SqliteProviderFixture>(database);
