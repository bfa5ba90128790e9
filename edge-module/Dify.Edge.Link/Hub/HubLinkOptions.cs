using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Dify.Edge.Link.Mqtt;

namespace Dify.Edge.Link.Hub;

/// <summary>Settings of the <see cref="HubLink"/>: who we are, where we connect, how we drain.</summary>
public sealed class HubLinkOptions
{
    /// <summary>The IoT Hub host name (<c>{hub}.azure-devices.net</c>): in the user name and the SAS resource.</summary>
    public string HubHostName { get; set; } = "";

    /// <summary>Where to connect, when not the hub itself (on IoT Edge: edgeHub, <c>IOTEDGE_GATEWAYHOSTNAME</c>).</summary>
    public string? GatewayHostName { get; set; }

    /// <summary>8883 with TLS (the default), 1883 for a plain local broker.</summary>
    public int Port { get; set; } = 8883;

    public bool UseTls { get; set; } = true;

    /// <summary>Roots to trust for TLS (the edge trust bundle); empty: system roots.</summary>
    public X509Certificate2Collection TrustedRoots { get; } = [];

    public string DeviceId { get; set; } = "";

    /// <summary>Module id; null for a device identity.</summary>
    public string? ModuleId { get; set; }

    /// <summary>Signs SAS tokens: a shared key, or the IoT Edge workload API.</summary>
    public ISignatureProvider? Signer { get; set; }

    /// <summary>Policy name (<c>skn</c>) for policy keys; null for device and module keys.</summary>
    public string? SharedAccessKeyName { get; set; }

    /// <summary>Lifetime of each SAS token; a fresh token is made for every connection.</summary>
    public TimeSpan TokenTimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The api-version in the MQTT user name.</summary>
    public string ApiVersion { get; set; } = "2021-04-12";

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most events taken from the queue per drain round.</summary>
    public int DrainBatchSize { get; set; } = 256;

    /// <summary>Longest wait for a batch's PUBACKs before it is given up and re-published (duplicates carry the same event id).</summary>
    public TimeSpan DrainBatchTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Pause after a failed drain round.</summary>
    public TimeSpan DrainRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Module output name (<c>$.on</c>), which edgeHub routes match; null: the default output.</summary>
    public string? OutputName { get; set; }

    /// <summary><c>$.ct</c> and <c>$.ce</c> of drained events, so hub routing can query JSON bodies; null: not sent.</summary>
    public string? ContentType { get; set; } = "application/json";

    public string? ContentEncoding { get; set; } = "utf-8";

    /// <summary>Longest wait for a twin response.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tunes the underlying MQTT client (reconnect delays, in-flight limit, ...).</summary>
    public Action<MqttClientOptions>? ConfigureMqtt { get; set; }

    /// <summary>From a device or module connection string (outside IoT Edge, or for tests).</summary>
    public static HubLinkOptions FromConnectionString(string connectionString)
    {
        var parsed = IotHubConnectionString.Parse(connectionString);
        return new HubLinkOptions
        {
            HubHostName = parsed.HostName,
            GatewayHostName = parsed.GatewayHostName,
            DeviceId = parsed.DeviceId,
            ModuleId = parsed.ModuleId,
            SharedAccessKeyName = parsed.SharedAccessKeyName,
            Signer = new SharedKeySignatureProvider(parsed.SharedAccessKey),
        };
    }

    /// <summary>
    /// From the variables IoT Edge gives a module (<c>IOTEDGE_IOTHUBHOSTNAME</c>, <c>IOTEDGE_GATEWAYHOSTNAME</c>,
    /// <c>IOTEDGE_DEVICEID</c>, <c>IOTEDGE_MODULEID</c>, <c>IOTEDGE_MODULEGENERATIONID</c>, <c>IOTEDGE_WORKLOADURI</c>,
    /// <c>IOTEDGE_AUTHSCHEME</c>); tokens are signed by the workload API, which the caller disposes.
    /// </summary>
    public static HubLinkOptions FromEdgeEnvironment(Func<string, string?> getVariable, out WorkloadApiClient workload)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        string Required(string name) => getVariable(name) is { Length: > 0 } value ? value : throw new InvalidOperationException($"{name} is not set; is this running as an IoT Edge module?");
        var scheme = getVariable("IOTEDGE_AUTHSCHEME") ?? "SasToken";
        if (!string.Equals(scheme, "SasToken", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"IOTEDGE_AUTHSCHEME is '{scheme}'; only SasToken is supported.");
        }
        var moduleId = Required("IOTEDGE_MODULEID");
        workload = new WorkloadApiClient(new Uri(Required("IOTEDGE_WORKLOADURI")));
        return new HubLinkOptions
        {
            HubHostName = Required("IOTEDGE_IOTHUBHOSTNAME"),
            GatewayHostName = getVariable("IOTEDGE_GATEWAYHOSTNAME"),
            DeviceId = Required("IOTEDGE_DEVICEID"),
            ModuleId = moduleId,
            Signer = new WorkloadSignatureProvider(workload, moduleId, Required("IOTEDGE_MODULEGENERATIONID")),
        };
    }

    /// <summary><c>{deviceId}</c> or <c>{deviceId}/{moduleId}</c>.</summary>
    public string ClientId => ModuleId is null ? DeviceId : $"{DeviceId}/{ModuleId}";

    /// <summary><c>{hub}/{deviceId}[/{moduleId}]/?api-version=...</c>.</summary>
    public string Username => string.Create(CultureInfo.InvariantCulture, $"{HubHostName}/{ClientId}/?api-version={ApiVersion}");

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(HubHostName);
        ArgumentException.ThrowIfNullOrEmpty(DeviceId);
        if (Signer is null)
        {
            throw new ArgumentException("HubLinkOptions.Signer is required (a shared key or the workload API).");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(DrainBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TokenTimeToLive, TimeSpan.Zero);
    }
}
