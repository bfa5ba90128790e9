namespace Dify.Host.LocalHub;

/// <summary>
/// <c>LocalHub:*</c>: the local stand-in for IoT Hub, off unless <c>LocalHub:Mqtt:Host</c> is set. The host connects
/// to that MQTT broker (mosquitto on loopback) and plays IoT Hub's side for the module <see cref="DeviceId"/>/<see cref="ModuleId"/>.
/// </summary>
public sealed class LocalHubOptions
{
    public const string SectionName = "LocalHub";

    public LocalHubMqttOptions Mqtt { get; set; } = new();

    /// <summary>The device whose module twin this stand-in holds (twin topics carry no identity: one module per broker).</summary>
    public string DeviceId { get; set; } = "local-device";

    public string ModuleId { get; set; } = "dify";

    public bool Enabled => !string.IsNullOrWhiteSpace(Mqtt.Host);

    /// <summary>Throws naming the first bad setting.</summary>
    public void Validate()
    {
        if (!Enabled) return;
        if (Mqtt.Port is < 1 or > 65535) throw new InvalidOperationException($"{SectionName}:Mqtt:Port must be 1-65535, not {Mqtt.Port}.");
        if (string.IsNullOrWhiteSpace(DeviceId)) throw new InvalidOperationException($"{SectionName}:DeviceId must not be empty.");
        if (string.IsNullOrWhiteSpace(ModuleId)) throw new InvalidOperationException($"{SectionName}:ModuleId must not be empty.");
        if (string.IsNullOrWhiteSpace(Mqtt.ClientId)) throw new InvalidOperationException($"{SectionName}:Mqtt:ClientId must not be empty.");
        // Twin and telemetry topics are unauthenticated beyond the broker's own login: keep them off the network unless asked.
        if (!Mqtt.AllowRemote && !IsLoopback(Mqtt.Host!))
            throw new InvalidOperationException($"{SectionName}:Mqtt:Host '{Mqtt.Host}' is not a loopback address; the local hub is for one machine (set {SectionName}:Mqtt:AllowRemote=true to override).");
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}

public sealed class LocalHubMqttOptions
{
    /// <summary>The broker (e.g. <c>127.0.0.1</c>); unset: the local hub is off.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 1883;

    /// <summary>A stable id with a persistent session: telemetry sent while the host is down waits in the broker.</summary>
    public string ClientId { get; set; } = "dify-local-hub";

    public string? Username { get; set; }

    public string? Password { get; set; }

    public bool AllowRemote { get; set; }
}
