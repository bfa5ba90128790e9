using System.Text.Json.Nodes;
using Dify.Models;
using Dify.Models.Chat;
using Dify.Workflows.Sandbox;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>
/// The llm node (DIFY-SPEC §2.4): assembles the prompt, calls the model streaming, routes tokens to the node
/// stream, and reports text, reasoning_content, usage, finish_reason and structured_output.
/// </summary>
/// <param name="models">The configured model providers.</param>
/// <param name="jinja2Renderer">Renders jinja2-edition prompts (its Jinja2 language); null → such prompts fail clearly.</param>
public sealed class LlmNode(IModelProviders models, ICodeSandbox? jinja2Renderer = null) : NodeExecutor<LlmNodeData>
{
    private readonly LlmPromptBuilder _prompts = new(jinja2Renderer);

    public override string NodeType => "llm";
    public override bool SupportsRetry => true;

    protected override LlmNodeData Parse(NodeDataReader reader) => LlmNodeDataParser.Parse(reader);

    protected override async ValueTask<NodeRunResult> RunAsync(NodeRunContext context, LlmNodeData data, CancellationToken cancellationToken)
    {
        var inputs = Inputs(context, data);
        var llmContext = data.ContextSelector is { } cs && context.Pool.TryGet(cs, out var contextValue) ? LlmContext.From(contextValue) : null;
        if (llmContext is not null) inputs["#context#"] = llmContext.Text;

        var messages = await _prompts.BuildAsync(context, data, llmContext?.Text, cancellationToken).ConfigureAwait(false);
        var processData = new JsonObject();
        data.Model.WriteTo(processData);
        processData["prompts"] = PromptRecord.ToJson(messages);

        var request = new ChatRequest(data.Model.Provider, data.Model.Name, messages, Parameters(data));
        var router = new LlmStreamRouter(context.Stream, data.ReasoningFormat, cancellationToken);
        ChatCompletion completion;
        try
        {
            completion = await models.Chat.CompleteAsync(request, router.OnDeltaAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelProviderException ex)
        {
            return NodeRunResult.Failure(ex.Message, "LLMInvokeError", inputs) with { ProcessData = processData };
        }
        await router.CompleteAsync().ConfigureAwait(false);

        // Normalise to Dify's tagged form first; separated then moves the think blocks out of the text.
        var tagged = string.IsNullOrEmpty(completion.ReasoningContent) ? completion.Text : ThinkTags.Wrap(completion.ReasoningContent) + completion.Text;
        var (text, reasoning) = data.ReasoningFormat == ReasoningFormat.Separated ? ThinkTags.Separate(tagged) : (tagged, "");

        var usage = LlmUsage.ToJson(completion.Usage);
        var outputs = new JsonObject
        {
            ["text"] = text,
            ["reasoning_content"] = reasoning,
            ["usage"] = usage,
            ["finish_reason"] = completion.FinishReason,
        };
        processData["usage"] = usage.DeepClone();
        processData["finish_reason"] = completion.FinishReason;

        if (data.StructuredOutputSchema is not null)
        {
            if (JsonAnswer.TryParseAny(text) is not JsonObject structured)
            {
                return NodeRunResult.Failure("Failed to parse structured output: the model's answer is not a JSON object: " + Excerpt(text), "OutputParserError", inputs)
                    with { ProcessData = processData, TotalTokens = completion.Usage.TotalTokens, Usage = completion.Usage };
            }
            outputs["structured_output"] = structured;
        }

        var metadata = LlmUsage.Metadata(completion.Usage);
        if (llmContext is { RetrieverResources.Count: > 0 }) metadata["retriever_resources"] = llmContext.RetrieverResources.DeepClone();
        return new NodeRunResult
        {
            Inputs = inputs,
            ProcessData = processData,
            Outputs = outputs,
            Metadata = metadata,
            TotalTokens = completion.Usage.TotalTokens,
            Usage = completion.Usage,
        };
    }

    private static ChatParameters Parameters(LlmNodeData data)
    {
        var p = data.Model.Parameters;
        if (data.StructuredOutputSchema is not { } schema) return p;
        return p with
        {
            ResponseFormat = "json_schema",
            JsonSchema = new JsonObject { ["name"] = "llm_response", ["schema"] = schema.DeepClone() },
        };
    }

    /// <summary>Dify's node inputs: each referenced variable as "#node.var#", plus #files# when vision is on.</summary>
    private static JsonObject Inputs(NodeRunContext context, LlmNodeData data)
    {
        var inputs = new JsonObject();
        var templates = (data.ChatPrompt ?? []).Select(m => m.Template).Append(data.CompletionPrompt?.Template).OfType<Variables.VariableTemplate>();
        if (data.Memory?.QueryPrompt is { } q) templates = templates.Append(q);
        foreach (var selector in templates.SelectMany(t => t.Selectors).Distinct())
        {
            if (context.Pool.TryGet(selector, out var value)) inputs[$"#{selector}#"] = value?.DeepClone();
        }
        foreach (var v in data.Jinja2Variables) inputs[v.Name] = context.Pool.Get(v.Selector)?.DeepClone();
        if (data.Vision.Enabled && context.Pool.Get(data.Vision.Selector) is { } files)
            inputs["#files#"] = files is JsonArray a ? a.DeepClone() : new JsonArray(files.DeepClone());
        return inputs;
    }

    private static string Excerpt(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
