using System.Text.Json.Nodes;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Nodes.Llm;

namespace Dify.Api.Runs;

/// <summary>Dify's response objects built from a run's result.</summary>
public static class RunPayloads
{
    /// <summary>WorkflowFinishedData: <c>{id, workflow_id, status, outputs, error, elapsed_time, total_tokens, total_steps, created_at, finished_at}</c>.</summary>
    public static JsonObject WorkflowFinishedData(LaunchedRun run, WorkflowRunResult result) => new()
    {
        ["id"] = run.RunId,
        ["workflow_id"] = run.App.Definition.Key,
        ["status"] = result.Status,
        ["outputs"] = result.Outputs.DeepClone(),
        ["error"] = result.Error,
        ["elapsed_time"] = result.ElapsedTime,
        ["total_tokens"] = result.TotalTokens,
        ["total_steps"] = result.TotalSteps,
        ["created_at"] = result.CreatedAt > 0 ? result.CreatedAt : run.CreatedAt,
        ["finished_at"] = result.FinishedAt > 0 ? result.FinishedAt : null,
    };

    /// <summary>Dify's usage object (prices are strings); fields the engine knows overlay the zero defaults.</summary>
    public static JsonObject Usage(JsonObject? known, double latency)
    {
        var usage = new JsonObject
        {
            ["prompt_tokens"] = 0,
            ["prompt_unit_price"] = "0",
            ["prompt_price_unit"] = "0",
            ["prompt_price"] = "0",
            ["completion_tokens"] = 0,
            ["completion_unit_price"] = "0",
            ["completion_price_unit"] = "0",
            ["completion_price"] = "0",
            ["total_tokens"] = 0,
            ["total_price"] = "0",
            ["currency"] = "USD",
            ["latency"] = latency,
        };
        if (known is not null)
            foreach (var (k, v) in known) usage[k] = v?.DeepClone();
        return usage;
    }

    /// <summary>The blocking answer of a chat or completion message (completion answers name no conversation).</summary>
    public static JsonObject ChatMessage(LaunchedRun run, WorkflowRunResult result)
    {
        var message = new JsonObject
        {
            ["event"] = "message",
            ["task_id"] = run.TaskId,
            ["id"] = run.MessageId,
            ["message_id"] = run.MessageId,
        };
        if (run.ShowsConversation) message["conversation_id"] = run.ConversationId;
        message["mode"] = run.Mode.ToDsl();
        message["answer"] = result.Answer ?? "";
        var metadata = new JsonObject { ["usage"] = Usage(LlmUsage.ToJson(result.Usage), result.ElapsedTime) };
        if (run.Mode != AppMode.Completion) metadata["retriever_resources"] = result.RetrieverResources.DeepClone();
        message["metadata"] = metadata;
        message["created_at"] = run.CreatedAt;
        return message;
    }
}
