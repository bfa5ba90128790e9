using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Durable;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Start;

namespace Dify.Workflows.Hosting;

/// <summary>
/// Starts, awaits and stops workflow runs through a durable orchestration client (embedded runtime
/// locally, Durable Functions in Azure). Inputs are validated against the start form before a run
/// exists, so bad input is a 400, never a failed run.
/// </summary>
public sealed class WorkflowRunService(IOrchestrationClient client, IWorkflowCatalog catalog, TimeProvider time)
{
    /// <summary>Validates inputs and starts the run; returns the run id.</summary>
    public async Task<string> StartAsync(WorkflowDefinition definition, StartRunOptions options, CancellationToken cancellationToken)
    {
        catalog.Add(definition);
        var inputs = definition.StartForm is { } form ? StartInputValidator.Validate(form, options.Inputs) : (JsonObject)options.Inputs.DeepClone();
        var runId = options.RunId ?? Guid.NewGuid().ToString();
        var isChat = definition.Mode is AppMode.AdvancedChat or AppMode.Chat or AppMode.AgentChat;
        var conversationId = isChat ? options.ConversationId ?? Guid.NewGuid().ToString() : null;
        var run = new RunInfo(runId, options.AppId, definition.Key, definition.Mode, options.User, conversationId, options.TaskId ?? runId);

        var system = new JsonObject
        {
            ["files"] = options.Files.DeepClone(),
            ["user_id"] = options.User,
            ["app_id"] = options.AppId,
            ["workflow_id"] = definition.Key,
            ["workflow_run_id"] = runId,
            ["timestamp"] = time.GetUtcNow().ToUnixTimeSeconds(),
        };
        if (isChat)
        {
            system["query"] = options.Query ?? "";
            system["conversation_id"] = conversationId;
            system["dialogue_count"] = options.DialogueCount;
        }
        var request = new WorkflowRunRequest(definition.Key, run, inputs, system, options.ConversationVariables, options.History, options.Limits);
        await client.StartOrchestrationAsync(WorkflowOrchestrator.Name, runId,
            JsonSerializer.Serialize(request, WorkflowOrchestrator.SerializerOptions), cancellationToken).ConfigureAwait(false);
        return runId;
    }

    /// <summary>Waits for the run to end and returns its result (a failed or terminated orchestration maps to a failed run).</summary>
    public async Task<WorkflowRunResult> WaitAsync(string runId, CancellationToken cancellationToken)
    {
        var state = await client.WaitForCompletionAsync(runId, cancellationToken).ConfigureAwait(false);
        return ToResult(state);
    }

    public async Task<WorkflowRunResult?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        var state = await client.GetStateAsync(runId, cancellationToken).ConfigureAwait(false);
        return state is null || state.Status is OrchestrationStatus.Pending or OrchestrationStatus.Running ? null : ToResult(state);
    }

    /// <summary>Asks the run to stop; it ends with status "stopped" at its next decision point.</summary>
    public Task StopAsync(string runId, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(runId, WorkflowOrchestrator.StopEvent, "\"stop\"", cancellationToken);

    /// <summary>
    /// The orchestrator's clock only moves with durable history events, so a run of inline nodes alone
    /// measures 0 s; the runtime's own timestamps give the wall time.
    /// </summary>
    private static WorkflowRunResult WithWallTime(WorkflowRunResult result, OrchestrationState state)
    {
        var wall = (state.LastUpdatedAt - state.CreatedAt).TotalSeconds;
        return wall > result.ElapsedTime ? result with { ElapsedTime = wall } : result;
    }

    private static WorkflowRunResult ToResult(OrchestrationState state) => state.Status switch
    {
        OrchestrationStatus.Completed when state.Output is not null => WithWallTime(
            JsonSerializer.Deserialize<WorkflowRunResult>(state.Output, WorkflowOrchestrator.SerializerOptions)!, state),
        OrchestrationStatus.Terminated => new WorkflowRunResult { Status = WorkflowRunStatus.Stopped, Error = state.Error ?? "Workflow execution stopped." },
        _ => new WorkflowRunResult { Status = WorkflowRunStatus.Failed, Error = state.Error ?? "The run failed." },
    };
}
