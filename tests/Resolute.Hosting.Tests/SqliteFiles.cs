namespace Resolute.Hosting.Tests;

internal static class SqliteFiles
{
    public static string NewPath() => Path.Combine(Path.GetTempPath(), $"resolute-hosting-tests-{Guid.NewGuid():N}.db");

    public static void Delete(string database)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            File.Delete(file);
        }
    }
}
