using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Edge.Hub;
using Dify.Edge.Link.Hub;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Sync;

/// <summary>
/// The module twin through the <see cref="HubLink"/>: a twin GET for the whole desired document, desired-property
/// patches (pushed by the hub, handled one at a time in arrival order) and reported-property patches. A patch older
/// than the last whole document read (its <c>$version</c> is not newer) is skipped: the document already holds it.
/// </summary>
public sealed class TwinTemplateSource(HubConnection hub, ILogger<TwinTemplateSource> logger) : ITemplateSource
{
    private Func<JsonObject, CancellationToken, Task>? handler;
    private long lastDocumentVersion = -1;

    private HubLink Link => hub.Link ?? throw new InvalidOperationException("The hub link is not started.");

    public async Task<JsonObject?> GetDesiredAsync(CancellationToken cancellationToken)
    {
        var twin = await Link.GetTwinAsync(cancellationToken).ConfigureAwait(false);
        var desired = JsonNode.Parse(twin.Desired.GetRawText()) as JsonObject ?? new JsonObject();
        if (desired["$version"] is JsonValue v && v.TryGetValue<long>(out var version))
        {
            // Only forward: a concurrent patch may have moved it on already.
            long seen;
            while (version > (seen = Interlocked.Read(ref lastDocumentVersion)) && Interlocked.CompareExchange(ref lastDocumentVersion, version, seen) != seen)
            {
            }
        }

        return desired;
    }

    public void OnDesiredPatch(Func<JsonObject, CancellationToken, Task> patchHandler) => Volatile.Write(ref handler, patchHandler);

    public async Task ReportAsync(JsonObject patch, CancellationToken cancellationToken) =>
        await Link.UpdateReportedPropertiesAsync(patch.ToJsonString(), cancellationToken).ConfigureAwait(false);

    /// <summary>Routes the link's desired-property patches to the handler the sync registered.</summary>
    internal void Attach(HubLink link) => link.SetDesiredPropertiesHandler(OnPatchAsync);

    private Task OnPatchAsync(DesiredPropertiesPatch patch, CancellationToken cancellationToken)
    {
        if (patch.Version is { } version && version <= Interlocked.Read(ref lastDocumentVersion))
        {
            logger.LogDebug("Desired patch version {Version} is already in the document read (version {Document}); skipped", version, Interlocked.Read(ref lastDocumentVersion));
            return Task.CompletedTask;
        }

        if (patch.Patch.ValueKind != JsonValueKind.Object)
        {
            logger.LogWarning("Desired patch version {Version} is not a JSON object; ignored", patch.Version);
            return Task.CompletedTask;
        }

        if (Volatile.Read(ref handler) is not { } current)
        {
            logger.LogInformation("Desired patch version {Version} arrived before the template sync started; the twin read covers it", patch.Version);
            return Task.CompletedTask;
        }

        return current((JsonObject)JsonNode.Parse(patch.Patch.GetRawText())!, cancellationToken);
    }
}
