using System.Security.Cryptography.X509Certificates;

namespace Dify.Edge.Link.Mqtt;

/// <summary>Settings of the <see cref="MqttClient"/>.</summary>
public sealed class MqttClientOptions
{
    /// <summary>Broker host name or address (for IoT Edge modules: the gateway, edgeHub).</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Broker port: 1883 plain, 8883 TLS.</summary>
    public int Port { get; set; } = 1883;

    public string ClientId { get; set; } = "";

    public string? Username { get; set; }

    /// <summary>
    /// Called before every connection attempt (a SAS token expires, so each reconnect asks for a fresh one).
    /// Null: no password.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? PasswordProvider { get; set; }

    /// <summary>MQTT keep-alive; a PINGREQ goes out when nothing else was sent for this long.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>False keeps the broker session (subscriptions, queued QoS 1 messages) across reconnects.</summary>
    public bool CleanSession { get; set; }

    /// <summary>Null: plain TCP. Set: TLS over TCP.</summary>
    public MqttTlsOptions? Tls { get; set; }

    /// <summary>Limit for TCP connect + TLS handshake + CONNACK.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Reconnect delay cap. It bounds how long after the broker comes back the client notices (the link's
    /// "drain again within 2 s" target needs it well under 2 s).
    /// </summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Each reconnect delay is scaled by a random factor in [1 - jitter, 1 + jitter].</summary>
    public double ReconnectJitter { get; set; } = 0.2;

    /// <summary>Most QoS 1 publishes awaiting PUBACK at once.</summary>
    public int MaxInflight { get; set; } = 256;

    /// <summary>Largest packet accepted from the broker.</summary>
    public int MaxIncomingPacketSize { get; set; } = 1 << 20;

    /// <summary>
    /// When set, a connection older than this is closed (DISCONNECT) and replaced at once, so credentials that
    /// expire (SAS tokens) are renewed before the broker cuts the connection. Unacknowledged QoS 1 messages are
    /// re-sent on the new connection.
    /// </summary>
    public TimeSpan? MaxConnectionLifetime { get; set; }

    /// <summary>How long to wait for SUBACK.</summary>
    public TimeSpan SubscribeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Host);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAlive, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(KeepAlive.TotalSeconds, ushort.MaxValue);
        if (PasswordProvider is not null && Username is null)
        {
            throw new ArgumentException("MQTT 3.1.1 sends a password only with a user name: set Username too.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInflight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxInflight, 65_000);
        if (InitialReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < InitialReconnectDelay)
        {
            throw new ArgumentException("need 0 < InitialReconnectDelay <= MaxReconnectDelay");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectJitter, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReconnectJitter, 1);
    }
}

/// <summary>TLS settings: the server name to verify and, optionally, a private CA to trust instead of the system roots.</summary>
public sealed class MqttTlsOptions
{
    /// <summary>Name checked against the server certificate (SNI too); null: <see cref="MqttClientOptions.Host"/>.</summary>
    public string? ServerName { get; set; }

    /// <summary>Root certificates to trust (e.g. the IoT Edge trust bundle); empty: the system's roots.</summary>
    public X509Certificate2Collection TrustedRoots { get; } = [];
}
