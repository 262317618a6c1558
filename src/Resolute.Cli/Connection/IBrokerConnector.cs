using Resolute.Client;

namespace Resolute.Cli.Connection;

/// <summary>
/// The seam between the commands and the bus: production connects to RabbitMQ (<see cref="RabbitMqBrokerConnector"/>),
/// tests hand over an embedded host's client.
/// </summary>
internal interface IBrokerConnector
{
    /// <summary>Connects within <see cref="ConnectionSettings.ConnectTimeout"/>.</summary>
    /// <exception cref="CliException">The broker cannot be reached (exit code <see cref="ExitCodes.CannotConnect"/>).</exception>
    Task<IBrokerSession> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken);
}

/// <summary>A connected client; disposing it closes the connection.</summary>
internal interface IBrokerSession : IAsyncDisposable
{
    /// <summary>The client over the connection.</summary>
    IFlowClient Client { get; }

    /// <summary>Where it is connected, without credentials, for messages.</summary>
    string Address { get; }
}
