using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Configuration;

namespace Resolute;

/// <summary>RabbitMQ as the transport of the bus <c>services.AddResolute</c> creates.</summary>
public static class ResoluteRabbitMqConfiguratorExtensions
{
    /// <summary>
    /// Uses RabbitMQ, its address from configuration: <c>Resolute:RabbitMq:Host</c>, <c>Port</c>, <c>VHost</c>,
    /// <c>User</c>, <c>Pass</c>, <c>UseSsl</c>, <c>ConnectionName</c> (MassTransit's <see cref="RabbitMqTransportOptions"/>);
    /// unset keys keep MassTransit's defaults (<c>guest@localhost:5672/</c>).
    /// </summary>
    /// <param name="configurator">Resolute's settings.</param>
    /// <returns>The settings.</returns>
    public static ResoluteConfigurator UseRabbitMq(this ResoluteConfigurator configurator) => configurator.UseRabbitMq((Uri?)null);

    /// <summary>
    /// Uses RabbitMQ at <paramref name="address"/>, e.g. <c>amqp://guest:guest@localhost:5672/</c> (<c>amqps://</c> for
    /// TLS); the keys of <c>Resolute:RabbitMq</c> override its parts.
    /// </summary>
    /// <param name="configurator">Resolute's settings.</param>
    /// <param name="address">The broker's address.</param>
    /// <returns>The settings.</returns>
    public static ResoluteConfigurator UseRabbitMq(this ResoluteConfigurator configurator, string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"RabbitMQ address '{address}' is not an absolute URI; write e.g. amqp://guest:guest@localhost:5672/.", nameof(address));
        }

        return configurator.UseRabbitMq(uri);
    }

    /// <summary>As <see cref="UseRabbitMq(ResoluteConfigurator, string)"/>.</summary>
    /// <param name="configurator">Resolute's settings.</param>
    /// <param name="address">The broker's address; null: configuration only.</param>
    /// <returns>The settings.</returns>
    public static ResoluteConfigurator UseRabbitMq(this ResoluteConfigurator configurator, Uri? address)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        if (address is not null && address.Scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs"))
        {
            throw new ArgumentException($"RabbitMQ address '{address}' must start with amqp:// or amqps://, e.g. amqp://guest:guest@localhost:5672/.", nameof(address));
        }

        return configurator.UseTransport("RabbitMq", (bus, configuration) =>
        {
            var options = Options(address, configuration);
            bus.UsingRabbitMq((_, cfg) => cfg.Host(options.Host, options.Port, options.VHost, options.ConnectionName, h =>
            {
                h.Username(options.User);
                h.Password(options.Pass);
                if (options.UseSsl)
                {
                    h.UseSsl(s => s.ServerName = options.Host);
                }
            }));
        });
    }

    /// <summary>The address's parts, then the configuration's keys; checked with the key named.</summary>
    internal static RabbitMqTransportOptions Options(Uri? address, IConfiguration configuration)
    {
        var options = new RabbitMqTransportOptions();
        if (address is not null)
        {
            Apply(options, address);
        }

        try
        {
            configuration.GetSection(ResoluteConfigurationKeys.RabbitMq).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new ResoluteConfigurationException(ResoluteConfigurationKeys.RabbitMq, $"{e.Message} Port is a number (e.g. 5672), UseSsl is true or false.", e);
        }

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            throw new ResoluteConfigurationException($"{ResoluteConfigurationKeys.RabbitMq}:Host", "is empty; allowed: the broker's host name, e.g. localhost.");
        }

        options.ConnectionName ??= string.Create(CultureInfo.InvariantCulture, $"resolute/{Environment.MachineName}/{Environment.ProcessId}");
        return options;
    }

    /// <summary>Applies an <c>amqp://user:password@host:port/vhost</c> address.</summary>
    private static void Apply(RabbitMqTransportOptions options, Uri address)
    {
        if (!string.IsNullOrEmpty(address.UserInfo))
        {
            var parts = address.UserInfo.Split(':', 2);
            options.User = Uri.UnescapeDataString(parts[0]);
            options.Pass = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
        }

        var virtualHost = Uri.UnescapeDataString(address.AbsolutePath.TrimStart('/'));
        options.VHost = virtualHost.Length == 0 ? "/" : virtualHost;
        options.Host = address.Host;
        options.UseSsl = address.Scheme is "amqps" or "rabbitmqs";
        if (!address.IsDefaultPort && address.Port > 0)
        {
            options.Port = (ushort)address.Port;
        }
    }
}
