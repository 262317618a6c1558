using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute.Client;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Hosting.Tests;

/// <summary>An embedded Resolute host (in-memory transport, SQLite file) that a test can stop and start again on the same file.</summary>
internal sealed class EmbeddedHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedHost(IHost host) => _host = host;

    public IFlowClient Client => _host.Services.GetRequiredService<IFlowClient>();

    public IServiceProvider Services => _host.Services;

    /// <param name="database">The SQLite file.</param>
    /// <param name="configure">Resolute's settings.</param>
    /// <param name="services">Registrations after Resolute's, e.g. to decorate one of its services.</param>
    public static async Task<EmbeddedHost> StartAsync(string database, Action<ResoluteConfigurator> configure, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddResolute(r =>
        {
            r.UseSqlite($"Data Source={database}");
            configure(r);
        });
        builder.Services.AddSingleton<IOutboxObserver, FaultHookObserver>();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new EmbeddedHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
