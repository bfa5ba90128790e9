using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Answer;
using Dify.Workflows.Nodes.Assigner;
using Dify.Workflows.Nodes.End;
using Dify.Workflows.Nodes.IfElse;
using Dify.Workflows.Nodes.Iteration;
using Dify.Workflows.Nodes.ListOperator;
using Dify.Workflows.Nodes.Loop;
using Dify.Workflows.Nodes.Start;
using Dify.Workflows.Nodes.Unsupported;
using Dify.Workflows.Nodes.VariableAggregator;

namespace Dify.Workflows.Engine;

/// <summary>
/// Maps data.type to its executor. Built-in pure nodes are always present; nodes with I/O are
/// supplied by the host (they need ports: models, sandbox, HTTP, knowledge). Types Dify knows but
/// this engine cannot run fail at run time with a "provider not available" error.
/// </summary>
public sealed class NodeExecutorRegistry
{
    private readonly Dictionary<string, INodeExecutor> _executors = new(StringComparer.Ordinal);

    public NodeExecutorRegistry(IEnumerable<INodeExecutor> executors)
    {
        foreach (var e in BuiltIns()) _executors[e.NodeType] = e;
        foreach (var e in executors) _executors[e.NodeType] = e;
        _executors.TryAdd("variable-assigner", _executors["variable-aggregator"]);
    }

    private static IEnumerable<INodeExecutor> BuiltIns()
    {
        yield return new StartNode();
        yield return new EndNode();
        yield return new AnswerNode();
        yield return new IfElseNode();
        yield return new VariableAggregatorNode();
        yield return new AssignerNode();
        yield return new ListOperatorNode();
        yield return new IterationNode();
        yield return new LoopNode();
        yield return new PassThroughNode("iteration-start");
        yield return new PassThroughNode("loop-start");
        yield return new PassThroughNode("loop-end");
        const string plugin = "provider not available: tool and agent plugins are not supported by Dify Functions";
        yield return new UnsupportedNode("tool", plugin);
        yield return new UnsupportedNode("agent", plugin);
        yield return new UnsupportedNode("human-input", "human input forms are not supported yet");
        yield return new UnsupportedNode("datasource", "RAG pipeline nodes are not supported");
        yield return new UnsupportedNode("knowledge-index", "RAG pipeline nodes are not supported");
        foreach (var t in new[] { "trigger-webhook", "trigger-schedule", "trigger-plugin" })
            yield return new UnsupportedNode(t, "triggers are not supported; start runs through the API");
        // Until their executors are registered by the host, I/O nodes fail clearly.
        foreach (var t in new[] { "llm", "code", "template-transform", "http-request", "question-classifier",
                     "parameter-extractor", "document-extractor", "knowledge-retrieval", "onnx-inference" })
            yield return new UnsupportedNode(t, "no executor registered for this node type in this host");
    }

    public bool TryGet(string nodeType, out INodeExecutor? executor) => _executors.TryGetValue(nodeType, out executor);

    public IEnumerable<string> NodeTypes => _executors.Keys;
}
