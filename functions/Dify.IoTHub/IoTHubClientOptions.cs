using Azure.Core;

namespace Dify.IoTHub;

/// <summary>Options of <see cref="IoTHubServiceClient"/>: pipeline (retries, transport) plus the service's api-version.</summary>
public sealed class IoTHubClientOptions : ClientOptions
{
    public const string DefaultApiVersion = "2021-04-12";

    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>How long each service SAS token stays valid; a new one is signed before it runs out.</summary>
    public TimeSpan SasTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where requests go when not <c>https://{HostName}</c> (a local emulator or test server). The SAS audience stays the host name.</summary>
    public Uri? Endpoint { get; set; }
}
