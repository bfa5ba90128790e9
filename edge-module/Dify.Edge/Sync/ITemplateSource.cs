using System.Text.Json.Nodes;

namespace Dify.Edge.Sync;

/// <summary>
/// Where templates come from and where their state is reported: the module twin (desired <c>templates</c>,
/// reported <c>templates</c>). The IoT Hub link implements it; without a hub the module runs the templates it stored.
/// </summary>
public interface ITemplateSource
{
    /// <summary>The whole desired properties document (a twin GET); null when no hub is configured.</summary>
    Task<JsonObject?> GetDesiredAsync(CancellationToken cancellationToken);

    /// <summary>Registers the handler for desired-property patches (JSON merge patches, in arrival order).</summary>
    void OnDesiredPatch(Func<JsonObject, CancellationToken, Task> handler);

    /// <summary>Patches the reported properties.</summary>
    Task ReportAsync(JsonObject patch, CancellationToken cancellationToken);
}
