using Dify.Storage.Azure;

namespace Dify.Storage.AzureStores;

/// <summary>Where the Azure store adapters keep their data and how they talk to Storage.</summary>
public sealed class AzureStoreOptions
{
    /// <summary>Pipeline options (retries, api version, transport) shared by the table and blob clients.</summary>
    public StorageClientOptions Storage { get; set; } = new();

    /// <summary>Prepended to every table name (letters and digits only), so several deployments or tests can share an account.</summary>
    public string TablePrefix { get; set; } = "dify";

    /// <summary>Blob container holding app DSL versions.</summary>
    public string TemplatesContainer { get; set; } = "templates";

    /// <summary>Blob container holding run events too large for a table property.</summary>
    public string RunEventsContainer { get; set; } = "run-events";

    /// <summary>How often a tail polls for events written by other processes (same-process writes wake it at once).</summary>
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
