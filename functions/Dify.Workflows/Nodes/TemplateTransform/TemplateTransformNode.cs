using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Nodes.Code;
using Dify.Workflows.Sandbox;

namespace Dify.Workflows.Nodes.TemplateTransform;

public sealed record TemplateTransformNodeData(IReadOnlyList<NodeInputVariable> Variables, string Template);

/// <summary>
/// template-transform (DIFY-SPEC §2.8): renders the Jinja2 template in the sandbox with the
/// variables' object values; output "output" (string), at most <paramref name="maxOutputLength"/> characters.
/// </summary>
public sealed class TemplateTransformNode(ICodeSandbox sandbox, int maxOutputLength = TemplateTransformNode.DefaultMaxOutputLength)
    : NodeExecutor<TemplateTransformNodeData>
{
    /// <summary>TEMPLATE_TRANSFORM_MAX_LENGTH.</summary>
    public const int DefaultMaxOutputLength = 400_000;

    public override string NodeType => "template-transform";

    protected override TemplateTransformNodeData Parse(NodeDataReader reader) =>
        new(NodeInputs.Parse(reader), reader.String("template", required: true) ?? "");

    protected override async ValueTask<NodeRunResult> RunAsync(NodeRunContext context, TemplateTransformNodeData data, CancellationToken cancellationToken)
    {
        var inputs = NodeInputs.Resolve(data.Variables, context.Pool);
        JsonNode? rendered;
        try
        {
            rendered = await sandbox.ExecuteAsync(CodeLanguage.Jinja2, data.Template, (JsonObject)inputs.DeepClone(), cancellationToken).ConfigureAwait(false);
        }
        catch (CodeExecutionException e)
        {
            return NodeRunResult.Failure(e.Message, "TemplateRenderError", inputs);
        }
        var text = rendered is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : rendered?.ToJsonString() ?? "";
        if (text.Length > maxOutputLength)
            return NodeRunResult.Failure($"Output length exceeds {maxOutputLength} characters", "WorkflowNodeError", inputs);
        return NodeRunResult.Success(new JsonObject { ["output"] = text }, inputs);
    }
}
