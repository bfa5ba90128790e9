using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Models;
using Dify.Models.Chat;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Values;

namespace Dify.Workflows.Nodes.ParameterExtractor;

/// <summary>
/// parameter-extractor (DIFY-SPEC §2.16). A failed model call fails the node; an answer that cannot be read
/// or validated still succeeds, with __is_success 0, the reason, and each parameter's empty value.
/// </summary>
public sealed class ParameterExtractorNode(IModelProviders models) : NodeExecutor<ParameterExtractorNodeData>
{
    public override string NodeType => "parameter-extractor";

    protected override ParameterExtractorNodeData Parse(NodeDataReader reader) => ParameterExtractorNodeData.Parse(reader);

    protected override async ValueTask<NodeRunResult> RunAsync(NodeRunContext context, ParameterExtractorNodeData data, CancellationToken cancellationToken)
    {
        var query = ValueText.ToText(context.Require(data.Query));
        var inputs = new JsonObject { ["query"] = query };
        var instruction = data.Instruction.RenderText(context.Pool);
        var histories = data.Memory is { } memory ? memory.Transcript(memory.Select(context.History)) : "";
        var schema = ExtractorSchema.Build(data.Parameters);

        var functionCall = data.ReasoningMode == ReasoningMode.FunctionCall;
        var messages = functionCall
            ? ExtractorPrompts.FunctionCall(query, instruction, histories)
            : ExtractorPrompts.Prompt(query, instruction, histories, schema);
        if (data.Vision.Enabled) VisionFiles.Attach(messages, VisionFiles.ImageParts(context.Pool, data.Vision.Selector, data.Vision.Detail));
        messages = ModelCall.ForMode(data.Model, messages);
        var request = functionCall
            ? new ChatRequest(data.Model.Provider, data.Model.Name, messages, data.Model.Parameters, [ExtractorPrompts.Tool(schema)], ExtractorPrompts.ToolName)
            : new ChatRequest(data.Model.Provider, data.Model.Name, messages, data.Model.Parameters);

        var call = await ModelCall.CompleteAsync(models, request, cancellationToken).ConfigureAwait(false);
        var processData = ModelCall.ProcessData(data.Model, messages, call);
        processData["reasoning_mode"] = functionCall ? "function_call" : "prompt";
        if (call.Completion is not { } completion)
        {
            return NodeRunResult.Failure(call.Error!, "LLMInvokeError", inputs) with
            {
                ProcessData = processData,
                Outputs = new JsonObject { ["__is_success"] = 0, ["__reason"] = call.Error },
            };
        }

        var answer = Extract(completion);
        processData["tool_call"] = completion.ToolCalls.FirstOrDefault() is { } tc
            ? new JsonObject { ["name"] = tc.Name, ["arguments"] = tc.ArgumentsJson }
            : null;
        var error = answer is null
            ? "Failed to extract result from function call or text response, using empty result."
            : ExtractorResult.Validate(answer, data.Parameters);
        // Like Dify, whatever was read is still converted; missing or unreadable values get their type's empty value.
        var values = ExtractorResult.Transform(answer, data.Parameters);

        var outputs = new JsonObject
        {
            ["__is_success"] = error is null ? 1 : 0,
            ["__reason"] = error,
            ["__usage"] = LlmUsage.ToJson(completion.Usage),
        };
        foreach (var (key, value) in values) outputs[key] = value?.DeepClone();
        return new NodeRunResult
        {
            Inputs = inputs,
            ProcessData = processData,
            Outputs = outputs,
            Metadata = LlmUsage.Metadata(completion.Usage),
            TotalTokens = completion.Usage.TotalTokens,
            Usage = completion.Usage,
        };
    }

    /// <summary>The extract_parameters call's arguments, else JSON in the text (models without tool calling answer there).</summary>
    private static JsonObject? Extract(ChatCompletion completion)
    {
        var call = completion.ToolCalls.FirstOrDefault(c => c.Name == ExtractorPrompts.ToolName) ?? completion.ToolCalls.FirstOrDefault();
        if (call is not null)
        {
            try
            {
                if (JsonNode.Parse(call.ArgumentsJson) is JsonObject args) return args;
            }
            catch (JsonException)
            {
                // Malformed arguments: try the lenient reader below.
            }
            if (JsonAnswer.TryParseObject(call.ArgumentsJson) is { } lenient) return lenient;
        }
        return JsonAnswer.TryParseObject(completion.Text);
    }
}
