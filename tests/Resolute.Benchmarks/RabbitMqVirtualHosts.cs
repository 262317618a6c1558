using System.Net.Http.Headers;
using System.Text;

namespace Resolute.Benchmarks;

/// <summary>
/// One RabbitMQ virtual host per deployment, through the management HTTP API, so that no section sees queues,
/// bindings or leftover messages of another (the memory section leaves thousands of commands queued).
/// Without a management address every deployment shares the address's own virtual host.
/// </summary>
public sealed class RabbitMqVirtualHosts : IDisposable
{
    private readonly Uri _amqp;
    private readonly Uri? _management;
    private readonly HttpClient _http = new();
    private readonly string _user;

    public RabbitMqVirtualHosts(Uri amqp, Uri? management)
    {
        ArgumentNullException.ThrowIfNull(amqp);
        _amqp = amqp;
        _management = management;
        var parts = amqp.UserInfo.Split(':', 2);
        _user = parts[0].Length > 0 ? Uri.UnescapeDataString(parts[0]) : "guest";
        var password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "guest";
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{password}")));
    }

    /// <summary>Creates the virtual host and returns the AMQP address of it.</summary>
    public async Task<Uri> CreateAsync(string name, CancellationToken cancellationToken)
    {
        if (_management is null)
        {
            return _amqp;
        }

        var vhost = Uri.EscapeDataString(name);
        using (var created = await _http.PutAsync(new Uri(_management, $"api/vhosts/{vhost}"), null, cancellationToken))
        {
            created.EnsureSuccessStatusCode();
        }

        using var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        using (var granted = await _http.PutAsync(new Uri(_management, $"api/permissions/{vhost}/{Uri.EscapeDataString(_user)}"), permissions, cancellationToken))
        {
            granted.EnsureSuccessStatusCode();
        }

        return new UriBuilder(_amqp) { Path = "/" + vhost }.Uri;
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (_management is null)
        {
            return;
        }

        using var deleted = await _http.DeleteAsync(new Uri(_management, $"api/vhosts/{Uri.EscapeDataString(name)}"), cancellationToken);
    }

    public void Dispose() => _http.Dispose();
}
