using System.Text.Json.Nodes;
using Dify.Models;
using Dify.Models.Chat;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Values;

namespace Dify.Workflows.Nodes.QuestionClassifier;

/// <summary>
/// question-classifier (DIFY-SPEC §2.15): the model picks a class; the branch handle is that class's id.
/// An answer that names no known class falls back to the first class, as Dify does.
/// </summary>
public sealed class QuestionClassifierNode(IModelProviders models) : NodeExecutor<QuestionClassifierNodeData>
{
    public override string NodeType => "question-classifier";

    protected override QuestionClassifierNodeData Parse(NodeDataReader reader) => QuestionClassifierNodeData.Parse(reader);

    protected override async ValueTask<NodeRunResult> RunAsync(NodeRunContext context, QuestionClassifierNodeData data, CancellationToken cancellationToken)
    {
        if (data.Classes.Count == 0) throw new NodeExecutionException("The question classifier has no classes.");
        var query = ValueText.ToText(context.Pool.Get(data.Query));
        var inputs = new JsonObject { ["query"] = query };
        var histories = data.Memory is { } memory ? memory.Transcript(memory.Select(context.History)) : "";
        var messages = ClassifierPrompt.Build(query, data.Classes, data.Instruction.RenderText(context.Pool), histories);
        if (data.Vision.Enabled) VisionFiles.Attach(messages, VisionFiles.ImageParts(context.Pool, data.Vision.Selector, data.Vision.Detail));
        messages = ModelCall.ForMode(data.Model, messages);

        var call = await ModelCall.CompleteAsync(models, new ChatRequest(data.Model.Provider, data.Model.Name, messages, data.Model.Parameters), cancellationToken)
            .ConfigureAwait(false);
        var processData = ModelCall.ProcessData(data.Model, messages, call);
        if (call.Completion is not { } completion)
            return NodeRunResult.Failure(call.Error!, "LLMInvokeError", inputs) with { ProcessData = processData };

        var index = Choose(completion.Text, data.Classes);
        var chosen = data.Classes[index];
        return new NodeRunResult
        {
            Inputs = inputs,
            ProcessData = processData,
            Outputs = new JsonObject
            {
                ["class_name"] = chosen.Name,
                ["class_id"] = chosen.Id,
                ["class_label"] = string.IsNullOrEmpty(chosen.Label) ? $"CLASS {index + 1}" : chosen.Label,
                ["usage"] = LlmUsage.ToJson(completion.Usage),
            },
            Metadata = LlmUsage.Metadata(completion.Usage),
            EdgeSourceHandle = chosen.Id,
            TotalTokens = completion.Usage.TotalTokens,
            Usage = completion.Usage,
        };
    }

    /// <summary>The class the answer's category_id names (or, failing that, its category_name); else the first.</summary>
    internal static int Choose(string answer, IReadOnlyList<ClassifierClass> classes)
    {
        if (JsonAnswer.TryParseObject(answer) is not { } json) return 0;
        var id = json["category_id"] is JsonValue v ? NodeDataReader.ScalarString(v).Trim() : null;
        for (var i = 0; i < classes.Count && id is not null; i++)
            if (classes[i].Id == id) return i;
        var name = json["category_name"] is JsonValue n ? NodeDataReader.ScalarString(n).Trim() : null;
        for (var i = 0; i < classes.Count && !string.IsNullOrEmpty(name); i++)
            if (string.Equals(classes[i].Name.Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
        return 0;
    }
}
