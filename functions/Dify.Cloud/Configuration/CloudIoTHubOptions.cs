namespace Dify.Cloud.Configuration;

/// <summary>
/// Section <c>IoTHub</c> (app settings <c>IoTHub__*</c>). <see cref="HostName"/> enables the template publisher (module
/// twins over the identity); the Event Hubs settings are read by the Functions trigger attributes themselves.
/// </summary>
public sealed class CloudIoTHubOptions
{
    public const string SectionName = "IoTHub";

    /// <summary><c>&lt;hub&gt;.azure-devices.net</c>; empty: publishing templates to devices is not available.</summary>
    public string? HostName { get; set; }

    /// <summary>A service connection string (SAS), for local use instead of the identity.</summary>
    public string? ConnectionString { get; set; }

    public string? EventHubName { get; set; }
    public string? ConsumerGroup { get; set; }
    public string? EventHubConnection { get; set; }
}
