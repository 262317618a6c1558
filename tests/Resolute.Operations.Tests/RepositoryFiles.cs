namespace Resolute.Operations.Tests;

/// <summary>Paths in the repository the tests run from (the folder holding <c>Resolute.sln</c>).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Resolute.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Resolute.sln above {AppContext.BaseDirectory}.");
    }
}
