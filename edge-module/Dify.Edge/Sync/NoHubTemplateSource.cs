using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Sync;

/// <summary>No hub configured (development, tests): no desired properties; reported state is only logged.</summary>
public sealed class NoHubTemplateSource(ILogger<NoHubTemplateSource> logger) : ITemplateSource
{
    public Task<JsonObject?> GetDesiredAsync(CancellationToken cancellationToken) => Task.FromResult<JsonObject?>(null);

    public void OnDesiredPatch(Func<JsonObject, CancellationToken, Task> handler)
    {
    }

    public Task ReportAsync(JsonObject patch, CancellationToken cancellationToken)
    {
        logger.LogInformation("Reported properties (no hub): {Patch}", patch.ToJsonString());
        return Task.CompletedTask;
    }
}
