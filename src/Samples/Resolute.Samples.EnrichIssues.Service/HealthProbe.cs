namespace Resolute.Samples.EnrichIssues.Service;

/// <summary>
/// <c>--probe URL</c>: one GET, exit code 0 for a 2xx answer and 1 for anything else (another status, no answer within
/// <see cref="Timeout"/>, connection refused). The container images run it as their <c>HEALTHCHECK</c>, since the .NET
/// runtime images have no curl or wget; Kubernetes probes the same paths with its own <c>httpGet</c>.
/// </summary>
internal static class HealthProbe
{
    public const string Argument = "--probe";

    /// <summary>Above the readiness checks' own limit (Resolute:Health:CheckTimeout, 5 s), below compose's 10 s.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    /// <summary>Whether the command line asks for a probe rather than the service.</summary>
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Argument;

    /// <summary>Probes the address of <c>--probe URL</c>; exit code 2 with the usage for any other command line.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (args.Length != 2 || args[0] != Argument || !Uri.TryCreate(args[1], UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            await output.WriteLineAsync($"Usage: {Argument} http://localhost:8080{ServiceHealthEndpoints.ReadyPath}");
            return 2;
        }

        return await RunAsync(address, output);
    }

    public static async Task<int> RunAsync(Uri address, TextWriter output)
    {
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(address);
            var body = await response.Content.ReadAsStringAsync();
            await output.WriteLineAsync($"{address} answered {(int)response.StatusCode} {body}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"{address} did not answer: {e.Message}");
            return 1;
        }
    }
}
