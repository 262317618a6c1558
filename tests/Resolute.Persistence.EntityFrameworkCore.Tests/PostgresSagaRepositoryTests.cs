using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>The saga repository on a migrated PostgreSQL database (<see cref="ServerSagaRepositorySuite{TDatabase}"/>).</summary>
[Trait("Area", "Engine")]
public sealed class PostgresSagaRepositoryTests(PostgresProviderFixture database, ITestOutputHelper output)
    : ServerSagaRepositorySuite<PostgresProviderFixture>(database, output);
