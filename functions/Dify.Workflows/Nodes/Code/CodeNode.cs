using System.Text.Json.Nodes;
using Dify.Workflows.Sandbox;

namespace Dify.Workflows.Nodes.Code;

/// <summary>
/// code (DIFY-SPEC §2.7): runs main(**inputs) in the sandbox and validates its result against the
/// declared outputs. Failures (the user's exception, a timeout, a bad output) fail the node with
/// Dify's message; the engine applies retry and error strategies.
/// </summary>
public sealed class CodeNode(ICodeSandbox sandbox, CodeNodeOptions? options = null) : NodeExecutor<CodeNodeData>
{
    private static readonly HashSet<string> OutputTypes =
        ["string", "number", "object", "boolean", "array[string]", "array[number]", "array[object]", "array[boolean]"];

    private readonly CodeOutputValidator _validator = new(options ?? new CodeNodeOptions());

    public override string NodeType => "code";
    public override bool SupportsRetry => true;

    protected override CodeNodeData Parse(NodeDataReader reader)
    {
        var language = reader.String("code_language", required: true) switch
        {
            "python3" or null => CodeLanguage.Python3,
            "javascript" => CodeLanguage.JavaScript,
            var other => Unsupported(reader, other),
        };
        var code = reader.String("code", required: true) ?? "";
        var outputs = ParseOutputs(reader, reader.Object("outputs", required: true), "outputs", 1) ?? new Dictionary<string, CodeOutputSchema>();
        return new CodeNodeData(NodeInputs.Parse(reader), language, code, outputs);
    }

    private static CodeLanguage Unsupported(NodeDataReader reader, string language)
    {
        reader.Problem("code_language", $"must be python3 or javascript, got '{language}'");
        return CodeLanguage.Python3;
    }

    private static Dictionary<string, CodeOutputSchema>? ParseOutputs(NodeDataReader reader, JsonObject? outputs, string path, int depth)
    {
        if (outputs is null) return null;
        var result = new Dictionary<string, CodeOutputSchema>(StringComparer.Ordinal);
        foreach (var (name, node) in outputs)
        {
            var field = $"{path}.{name}";
            if (node is not JsonObject o) { reader.Problem(field, "must be an object with a type"); continue; }
            var type = reader.String(o, "type", true, field + ".type") ?? "string";
            if (!OutputTypes.Contains(type))
                reader.Problem(field + ".type", $"must be one of {string.Join(", ", OutputTypes)}, got '{type}'");
            var children = o["children"] is JsonObject c && depth < 16 ? ParseOutputs(reader, c, field + ".children", depth + 1) : null;
            result[name] = new CodeOutputSchema(type, children);
        }
        return result;
    }

    protected override async ValueTask<NodeRunResult> RunAsync(NodeRunContext context, CodeNodeData data, CancellationToken cancellationToken)
    {
        var inputs = NodeInputs.Resolve(data.Variables, context.Pool);
        JsonNode? result;
        try
        {
            result = await sandbox.ExecuteAsync(data.Language, data.Code, (JsonObject)inputs.DeepClone(), cancellationToken).ConfigureAwait(false);
        }
        catch (CodeExecutionException e)
        {
            return NodeRunResult.Failure(e.Message, "CodeExecutionError", inputs);
        }
        if (result is not JsonObject output)
            return NodeRunResult.Failure($"The return value of main must be a dict, got {PyTypes.Name(result)}.", "CodeExecutionError", inputs);
        try
        {
            return NodeRunResult.Success(_validator.Transform(output, data.Outputs), inputs);
        }
        catch (NodeExecutionException e)
        {
            return NodeRunResult.Failure(e.Message, e.ErrorType, inputs);
        }
    }
}
