using Npgsql;
using Resolute.Persistence.PostgreSql;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>UsePostgres adds its pool and prepared-statement defaults, and never overrides what the application set.</summary>
[Trait("Area", "Engine")]
public sealed class PostgreSqlConnectionDefaultsTests
{
    [Fact]
    public void Without_settings_of_its_own_the_connection_skips_the_pool_reset_and_prepares_statements()
    {
        var used = new NpgsqlConnectionStringBuilder(new PostgreSqlDatabaseProvider("Host=db;Database=resolute;Username=app").ConnectionString);

        Assert.True(used.NoResetOnClose);
        Assert.Equal(64, used.MaxAutoPrepare);
        Assert.Equal(2, used.AutoPrepareMinUsages);
        Assert.Equal("db", used.Host);
        Assert.Equal("resolute", used.Database);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false;Max Auto Prepare=0;Auto Prepare Min Usages=7")]
    [InlineData("Host=db;noresetonclose=False;MAXAUTOPREPARE=0;AutoPrepareMinUsages=7")]
    public void Settings_the_application_chose_are_kept_under_any_spelling(string connectionString)
    {
        var used = new NpgsqlConnectionStringBuilder(new PostgreSqlDatabaseProvider(connectionString).ConnectionString);

        Assert.False(used.NoResetOnClose);
        Assert.Equal(0, used.MaxAutoPrepare);
        Assert.Equal(7, used.AutoPrepareMinUsages);
    }
}
