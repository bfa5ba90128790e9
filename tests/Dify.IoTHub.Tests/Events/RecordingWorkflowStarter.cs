using System.Collections.Concurrent;
using Dify.IoTHub.Events;

namespace Dify.IoTHub.Tests.Events;

/// <summary>
/// The workflow-start port as a host fills it, reduced to its contract: runs by id, an existing id is not started again,
/// an unknown app throws. (The real adapter over the API's run launcher is exercised end to end in Dify.Edge.Tests.)
/// </summary>
internal sealed class RecordingWorkflowStarter(params string[] knownApps) : IEdgeWorkflowStarter
{
    public ConcurrentDictionary<string, EdgeWorkflowRequest> Runs { get; } = new();

    public Task<bool> StartAsync(EdgeWorkflowRequest request, CancellationToken cancellationToken)
    {
        if (!knownApps.Contains(request.AppId)) throw new InvalidOperationException($"app '{request.AppId}' does not exist");
        return Task.FromResult(Runs.TryAdd(request.RunId, request));
    }
}
