using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>The transactional outbox on a migrated PostgreSQL database (<see cref="ServerOutboxSuite{TDatabase}"/>).</summary>
[Trait("Area", "Durability")]
public sealed class PostgresOutboxTests(PostgresProviderFixture database, ITestOutputHelper output)
    : ServerOutboxSuite<PostgresProviderFixture>(database, output);
