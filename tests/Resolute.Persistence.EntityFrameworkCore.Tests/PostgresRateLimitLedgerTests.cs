using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>The limiters' ledger on a migrated PostgreSQL database (<see cref="RateLimitLedgerSuite{TDatabase}"/>).</summary>
[Trait("Area", "RateLimits")]
public sealed class PostgresRateLimitLedgerTests(PostgresProviderFixture database) : RateLimitLedgerSuite<PostgresProviderFixture>(database);
