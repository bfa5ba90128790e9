using System.Text.Json.Nodes;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Answer;

public sealed record AnswerNodeData(VariableTemplate Template);

/// <summary>
/// Chatflow answer: renders its template with the markdown form of each value; outputs answer and
/// the files it references. Streaming of the pieces is done by the engine's response coordinator.
/// </summary>
public sealed class AnswerNode : NodeExecutor<AnswerNodeData>
{
    public override string NodeType => "answer";
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override AnswerNodeData Parse(NodeDataReader reader) =>
        new(VariableTemplate.Parse(reader.String("answer") ?? ""));

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, AnswerNodeData data, CancellationToken cancellationToken)
    {
        var files = new JsonArray();
        foreach (var s in data.Template.Selectors)
        {
            var v = context.Pool.Get(s);
            if (FileValue.IsFile(v)) files.Add(v!.DeepClone());
            else if (v is JsonArray a) foreach (var f in a.Where(FileValue.IsFile)) files.Add(f!.DeepClone());
        }
        var answer = data.Template.RenderMarkdown(context.Pool);
        return ValueTask.FromResult(new NodeRunResult { Outputs = new JsonObject { ["answer"] = answer, ["files"] = files } });
    }
}
