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

    /// <summary>
    /// How long the read URL of a template too large for the module twin stays valid (a device offline longer must be sent
    /// the template again). Default 6 days; at most 7, the longest a user-delegation SAS may last.
    /// </summary>
    public TimeSpan TemplateUrlLifetime { get; set; } = TimeSpan.FromDays(6);

    public string? EventHubName { get; set; }
    public string? ConsumerGroup { get; set; }
    public string? EventHubConnection { get; set; }
}
