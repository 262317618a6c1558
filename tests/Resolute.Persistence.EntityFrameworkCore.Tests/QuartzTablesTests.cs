using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Persistence.EntityFrameworkCore.Schedules;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>Quartz's job-store tables come from our migrations, built from the DDL the Quartz assembly ships.</summary>
[Trait("Area", "Triggers")]
public sealed class QuartzTablesTests
{
    [Theory]
    [InlineData(QuartzTables.PostgreSql)]
    [InlineData(QuartzTables.SqlServer)]
    [InlineData(QuartzTables.Sqlite)]
    public void Every_table_is_created_under_our_prefix_and_no_placeholder_is_left(string resource)
    {
        var statements = QuartzTables.CreateStatements(resource);

        Assert.All(statements, s => Assert.DoesNotContain("{0}", s, StringComparison.Ordinal));
        Assert.All(statements, s => Assert.DoesNotContain("{1}", s, StringComparison.Ordinal));
        Assert.All(statements, s => Assert.DoesNotContain("--;;", s, StringComparison.Ordinal));
        foreach (var table in QuartzTables.Names)
        {
            Assert.Contains(statements, s => s.Contains(QuartzTables.Prefix + table, StringComparison.OrdinalIgnoreCase));
        }

        // What the migrations' Down drops: every one of them, each once.
        Assert.Equal(
            QuartzTables.Names.Select(t => QuartzTables.Prefix + t).Order(StringComparer.Ordinal),
            QuartzTables.CreatedTables(resource).Select(t => t.ToLowerInvariant()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SQLite_migration_creates_the_tables_and_running_their_DDL_again_changes_nothing()
    {
        var directory = Directory.CreateTempSubdirectory("resolute-quartz-");
        try
        {
            var path = Path.Combine(directory.FullName, "resolute.db");
            await using (var services = MigrationTests.Build(p => p.UseSqlite($"Data Source={path};Pooling=False")))
            {
                await services.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync();
            }

            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync();
            Assert.Equal(QuartzTables.Names.Order(StringComparer.Ordinal), await QuartzTableNamesAsync(connection));

            // Create-if-missing: the same statements again are a no-op.
            foreach (var statement in QuartzTables.CreateStatements(QuartzTables.Sqlite))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = statement;
                await command.ExecuteNonQueryAsync();
            }

            Assert.Equal(QuartzTables.Names.Order(StringComparer.Ordinal), await QuartzTableNamesAsync(connection));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<List<string>> QuartzTableNamesAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select name from sqlite_master where type = 'table' and name like '{QuartzTables.Prefix}%' order by name";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0)[QuartzTables.Prefix.Length..].ToLowerInvariant());
        }

        return names.Order(StringComparer.Ordinal).ToList();
    }
}
