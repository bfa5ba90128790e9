using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Durable;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Events;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Engine;

/// <summary>
/// The durable orchestrator of a workflow run. Deterministic: it reads time, ids and I/O results
/// only through <see cref="IDurableContext"/>, so replaying its history reaches the same decisions.
/// Pure nodes run inline here; nodes with I/O are activities (<see cref="NodeActivity"/>).
/// </summary>
public sealed class WorkflowOrchestrator(IWorkflowCatalog catalog, IRunEventSink events)
{
    public const string Name = "dify.workflow";
    public const string StopEvent = "stop";

    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Entry point with JSON in and out, as durable runtimes call orchestrators.</summary>
    public async Task<string?> RunJsonAsync(IDurableContext context, string? input)
    {
        var request = JsonSerializer.Deserialize<WorkflowRunRequest>(input ?? "null", SerializerOptions)
            ?? throw new ArgumentException("The workflow run request is missing.");
        var result = await RunAsync(context, request);
        return JsonSerializer.Serialize(result, SerializerOptions);
    }

    public async Task<WorkflowRunResult> RunAsync(IDurableContext context, WorkflowRunRequest request)
    {
        var definition = catalog.Get(request.WorkflowKey);
        var state = new RunState(context, definition, request, events);
        state.StopRequested = context.WaitForExternalEvent<string?>(StopEvent);
        var pool = BuildPool(definition, request);
        var createdAt = state.UnixNow;

        state.Emit("workflow_started", new JsonObject
        {
            ["id"] = request.Run.RunId,
            ["workflow_id"] = request.Run.WorkflowId,
            ["inputs"] = request.Inputs.DeepClone(),
            ["created_at"] = createdAt,
            ["reason"] = "initial",
        });

        var outcome = await new GraphWalker(state, definition.Nodes.Values.Where(n => n.Node.ParentId is null).Select(n => n.Id), pool, Scope.TopLevel)
            .RunAsync(definition.RootNodeId);

        var status = state.Stopped ? WorkflowRunStatus.Stopped
            : outcome.Failed ? WorkflowRunStatus.Failed
            : state.Exceptions > 0 ? WorkflowRunStatus.PartialSucceeded
            : WorkflowRunStatus.Succeeded;
        var error = state.Stopped ? "Workflow execution stopped by user." : outcome.Error;
        var isChat = definition.Mode.AnswersInMessages();
        var outputs = (JsonObject)state.Outputs.DeepClone();
        if (isChat) outputs["answer"] = state.Answer.ToString();

        var conversation = new JsonObject();
        foreach (var (name, value) in pool.VariablesOf(VariablePool.ConversationNode)) conversation[name] = value?.DeepClone();

        var result = new WorkflowRunResult
        {
            Status = status,
            Outputs = outputs,
            Error = status is WorkflowRunStatus.Failed or WorkflowRunStatus.Stopped ? error : null,
            TotalSteps = state.Steps,
            TotalTokens = state.Tokens,
            Usage = state.Usage,
            ExceptionsCount = state.Exceptions,
            Answer = isChat ? state.Answer.ToString() : null,
            ConversationVariables = conversation,
            RetrieverResources = (JsonArray)state.RetrieverResources.DeepClone(),
            CreatedAt = createdAt,
            FinishedAt = state.UnixNow,
            ElapsedTime = state.ElapsedSeconds,
        };

        if (isChat)
            state.Emit("message_end", new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["usage"] = Nodes.Llm.LlmUsage.ToJson(state.Usage),
                    ["retriever_resources"] = result.RetrieverResources.DeepClone(),
                },
                ["files"] = new JsonArray(),
            });
        state.Emit("workflow_finished", new JsonObject
        {
            ["id"] = request.Run.RunId,
            ["workflow_id"] = request.Run.WorkflowId,
            ["status"] = status,
            ["outputs"] = outputs.DeepClone(),
            ["error"] = result.Error,
            ["elapsed_time"] = result.ElapsedTime,
            ["total_tokens"] = result.TotalTokens,
            ["total_steps"] = result.TotalSteps,
            ["created_at"] = createdAt,
            ["finished_at"] = result.FinishedAt,
            ["exceptions_count"] = result.ExceptionsCount,
            ["files"] = new JsonArray(),
        });
        return result;
    }

    /// <summary>sys.*, env.*, conversation.* and the start inputs, as the run begins.</summary>
    private static VariablePool BuildPool(WorkflowDefinition definition, WorkflowRunRequest request)
    {
        var pool = new VariablePool();
        foreach (var (k, v) in request.System) pool.Set(VariablePool.SystemNode, k, v?.DeepClone());
        foreach (var env in definition.Document.EnvironmentVariables)
            pool.Set(VariablePool.EnvironmentNode, env.Name, env.Value?.DeepClone());
        foreach (var conv in definition.Document.ConversationVariables)
        {
            var value = request.ConversationVariables is { } current && current.TryGetPropertyValue(conv.Name, out var v) ? v : conv.Value;
            pool.Set(VariablePool.ConversationNode, conv.Name, value?.DeepClone());
        }
        foreach (var (k, v) in request.Inputs) pool.Set(definition.RootNodeId, k, v?.DeepClone());
        return pool;
    }
}
