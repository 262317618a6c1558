using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>The limiters' ledger on a migrated SQLite file (<see cref="RateLimitLedgerSuite{TDatabase}"/>).</summary>
[Trait("Area", "RateLimits")]
public sealed class SqliteRateLimitLedgerTests(SqliteProviderFixture database) : RateLimitLedgerSuite<SqliteProviderFixture>(database);
