using Dify.Cloud.Engine;
using Dify.Functions.Durable;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Dify.Functions.Triggers;

/// <summary>A workflow run is one orchestration; each I/O node (llm, code, http, retrieval...) is one activity.</summary>
public sealed class WorkflowFunctions(WorkflowOrchestrator orchestrator, NodeActivity nodes)
{
    [Function(DurableFunctionNames.Workflow)]
    public Task<string?> RunWorkflow([OrchestrationTrigger] TaskOrchestrationContext context, string? input) =>
        orchestrator.RunJsonAsync(new DurableContext(context), input);

    [Function(DurableFunctionNames.Node)]
    public Task<NodeRunResult> RunNode([ActivityTrigger] NodeActivityInput input, FunctionContext context) =>
        nodes.ExecuteAsync(input, context.CancellationToken);
}
