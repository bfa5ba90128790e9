using System.Text.Json.Nodes;

namespace Dify.IoTHub.Events;

/// <summary>
/// Starts a workflow run for a routed event. The host fills it in (the API's run launcher), so this library needs no
/// API. Idempotent by <see cref="EdgeWorkflowRequest.RunId"/>: a run id that already exists is not started again.
/// </summary>
public interface IEdgeWorkflowStarter
{
    /// <summary>True when the run was started now, false when a run with that id already exists. Throws when the app cannot run it.</summary>
    Task<bool> StartAsync(EdgeWorkflowRequest request, CancellationToken cancellationToken);
}

/// <param name="RunId">Derived from the event and the app, so a redelivered event maps to the same run.</param>
/// <param name="User">The end user the run is recorded under.</param>
public sealed record EdgeWorkflowRequest(string AppId, string RunId, string User, JsonObject Inputs);
