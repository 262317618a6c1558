using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>Orchestrators migrating one empty PostgreSQL database at once (<see cref="MigrationConcurrencySuite{TDatabase}"/>).</summary>
[Trait("Area", "Durability")]
public sealed class PostgresMigrationConcurrencyTests(PostgresProviderFixture database) : MigrationConcurrencySuite<PostgresProviderFixture>(database);
