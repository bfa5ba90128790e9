using System.Text.Json;
using Dify.Cloud.Engine;
using Dify.Durable;
using Microsoft.DurableTask.Client;

namespace Dify.Functions.Durable;

/// <summary>
/// Our orchestration client over Durable Functions' <see cref="DurableTaskClient"/>. Functions hands that client to
/// functions through the <c>[DurableClient]</c> binding, so each function that may start or stop runs passes its
/// client in (<see cref="Use"/>) before calling the API; every one talks to the same task hub.
/// </summary>
internal sealed class DurableOrchestrationClient : IOrchestrationClient
{
    private DurableTaskClient? _client;

    public void Use(DurableTaskClient client) => _client = client;

    private DurableTaskClient Client => _client ?? throw new InvalidOperationException("No Durable client yet: it arrives with the first HTTP or Event Hubs invocation.");

    public Task StartOrchestrationAsync(string orchestratorName, string instanceId, string? input, CancellationToken ct) =>
        Client.ScheduleNewOrchestrationInstanceAsync(DurableFunctionNames.Of(orchestratorName), input, new StartOrchestrationOptions(instanceId), ct);

    public async Task<OrchestrationState?> GetStateAsync(string instanceId, CancellationToken ct) =>
        await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct) is { } metadata ? ToState(metadata) : null;

    public async Task<OrchestrationState> WaitForCompletionAsync(string instanceId, CancellationToken ct) =>
        ToState(await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, ct));

    public Task RaiseEventAsync(string instanceId, string eventName, string? payloadJson, CancellationToken ct) =>
        Client.RaiseEventAsync(instanceId, eventName, payloadJson is null ? null : JsonSerializer.Deserialize<JsonElement>(payloadJson), ct);

    public Task TerminateAsync(string instanceId, string reason, CancellationToken ct) => Client.TerminateInstanceAsync(instanceId, reason, ct);

    // Inputs and outputs are the engine's JSON strings, which Durable stores as JSON string values.
    private static OrchestrationState ToState(OrchestrationMetadata m) => new(
        m.InstanceId, m.Name, m.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Pending => OrchestrationStatus.Pending,
            OrchestrationRuntimeStatus.Completed => OrchestrationStatus.Completed,
            OrchestrationRuntimeStatus.Failed => OrchestrationStatus.Failed,
            OrchestrationRuntimeStatus.Terminated => OrchestrationStatus.Terminated,
            _ => OrchestrationStatus.Running,
        },
        m.ReadInputAs<string>(), m.ReadOutputAs<string>(),
        m.FailureDetails?.ErrorMessage ?? (m.RuntimeStatus == OrchestrationRuntimeStatus.Terminated ? m.ReadOutputAs<string>() : null),
        m.SerializedCustomStatus, m.CreatedAt.UtcDateTime, m.LastUpdatedAt.UtcDateTime);
}
