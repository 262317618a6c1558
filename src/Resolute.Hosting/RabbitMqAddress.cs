using MassTransit;

namespace Resolute;

/// <summary>Applies an <c>amqp://user:password@host:port/vhost</c> address to MassTransit's RabbitMQ host settings.</summary>
internal static class RabbitMqAddress
{
    public static void Configure(IRabbitMqBusFactoryConfigurator cfg, Uri address)
    {
        var user = "guest";
        var password = "guest";
        if (!string.IsNullOrEmpty(address.UserInfo))
        {
            var parts = address.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
        }

        var virtualHost = Uri.UnescapeDataString(address.AbsolutePath.TrimStart('/'));
        if (virtualHost.Length == 0)
        {
            virtualHost = "/";
        }

        var tls = address.Scheme is "amqps" or "rabbitmqs";
        var port = address.IsDefaultPort || address.Port <= 0 ? (tls ? 5671 : 5672) : address.Port;
        cfg.Host(address.Host, (ushort)port, virtualHost, h =>
        {
            h.Username(user);
            h.Password(password);
            if (tls)
            {
                h.UseSsl(s => s.ServerName = address.Host);
            }
        });
    }
}
