using System.Collections.Frozen;

namespace Dify.Workflows.Dsl;

/// <summary>The node kinds (<c>data.type</c>) a DSL file may use: Dify's built-ins plus our edge nodes.</summary>
public static class DslNodeTypes
{
    public static readonly FrozenSet<string> Known = FrozenSet.ToFrozenSet(
    [
        "start", "end", "answer", "llm", "knowledge-retrieval", "if-else", "code", "template-transform",
        "question-classifier", "http-request", "tool", "variable-aggregator", "variable-assigner", "assigner",
        "loop", "loop-start", "loop-end", "iteration", "iteration-start", "parameter-extractor",
        "document-extractor", "list-operator", "agent", "human-input", "datasource", "knowledge-index",
        "trigger-webhook", "trigger-schedule", "trigger-plugin",
        // Ours: runs an ONNX model on the edge device.
        "onnx-inference",
    ], StringComparer.Ordinal);

    /// <summary>Nodes a run can begin at.</summary>
    public static bool IsEntry(string type) => type == "start" || type.StartsWith("trigger-", StringComparison.Ordinal);

    public static bool IsContainer(string type) => type is "iteration" or "loop";
}
