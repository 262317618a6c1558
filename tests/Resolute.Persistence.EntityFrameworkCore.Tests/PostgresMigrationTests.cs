using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>Resolute's migrations on real, empty PostgreSQL databases (<see cref="MigrationSuite{TDatabase}"/>).</summary>
[Trait("Area", "Engine")]
public sealed class PostgresMigrationTests(PostgresProviderFixture database) : MigrationSuite<PostgresProviderFixture>(database);
