using System.Diagnostics;
using System.Net.Sockets;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Resolute.Client;

using Resolute.Cli.Rendering;
namespace Resolute.Cli.Connection;

/// <summary>Connects to RabbitMQ: a plain connection first to fail fast with a reason, then a MassTransit bus for the client.</summary>
internal sealed class RabbitMqBrokerConnector : IBrokerConnector
{
    /// <inheritdoc />
    public async Task<IBrokerSession> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await ProbeAsync(settings, cancellationToken).ConfigureAwait(false);

        var address = settings.RabbitMq;
        var (user, pass) = Credentials(address);
        var virtualHost = Uri.UnescapeDataString(address.AbsolutePath.TrimStart('/'));
        var useSsl = address.Scheme == "amqps";
        var port = address.IsDefaultPort || address.Port <= 0 ? (useSsl ? 5671 : 5672) : address.Port;
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(address.Host, (ushort)port, virtualHost.Length == 0 ? "/" : virtualHost, "resolute-cli", h =>
        {
            h.Username(user);
            h.Password(pass);
            if (useSsl)
            {
                h.UseSsl(s => s.ServerName = address.Host);
            }
        }));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            await bus.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RabbitMqConnectionException && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.CannotConnect, $"cannot connect to RabbitMQ at {settings.RabbitMqDisplay} (the bus did not start within {Styles.Seconds(settings.ConnectTimeout)})", e);
        }

        var client = new BusFlowClient(bus, new FlowClientOptions { RequestTimeout = settings.RequestTimeout }, TimeProvider.System);
        return new Session(bus, client, settings.RabbitMqDisplay);
    }

    /// <summary>Opens and closes one connection, turning the ways it fails into one line each.</summary>
    private static async Task ProbeAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        var (user, pass) = Credentials(settings.RabbitMq);
        var factory = new ConnectionFactory
        {
            Uri = settings.RabbitMq,
            UserName = user,
            Password = pass,
            RequestedConnectionTimeout = settings.ConnectTimeout,
            SocketReadTimeout = settings.ConnectTimeout,
            SocketWriteTimeout = settings.ConnectTimeout,
            AutomaticRecoveryEnabled = false,
            ClientProvidedName = "resolute-cli-probe",
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        var started = Stopwatch.StartNew();
        try
        {
            var connection = await factory.CreateConnectionAsync(timeout.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await connection.CloseAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is BrokerUnreachableException or OperationCanceledException or SocketException or IOException or TimeoutException)
        {
            throw new CliException(ExitCodes.CannotConnect, $"cannot connect to RabbitMQ at {settings.RabbitMqDisplay} ({Reason(e, user, settings.ConnectTimeout, started.Elapsed)})", e);
        }
    }

    private static string Reason(Exception exception, string user, TimeSpan timeout, TimeSpan elapsed)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AuthenticationFailureException:
                    return $"login refused for user '{user}'";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                    return "unknown host";
                case SocketException socket:
                    return socket.Message;
                case OperationCanceledException or TimeoutException or ConnectFailureException { InnerException: null }:
                    return $"no answer within {Styles.Seconds(timeout)}";
            }
        }

        // The client words a silent host in several ways ("connection.start was never received", ...): say it plainly.
        return elapsed >= timeout * 0.9
            ? $"no answer within {Styles.Seconds(timeout)}"
            : Failures.OneLine(exception.InnerException?.Message ?? exception.Message);
    }

    private static (string User, string Pass) Credentials(Uri address)
    {
        if (string.IsNullOrEmpty(address.UserInfo))
        {
            return ("guest", "guest");
        }

        var parts = address.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty);
    }

    private sealed class Session(IBusControl bus, IFlowClient client, string address) : IBrokerSession
    {
        public IFlowClient Client => client;

        public string Address => address;

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await bus.StopAsync(timeout.Token).ConfigureAwait(false);
        }
    }
}
