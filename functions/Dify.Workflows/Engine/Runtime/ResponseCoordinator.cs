using System.Text.Json.Nodes;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Answer;
using Dify.Workflows.Nodes.End;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Engine.Runtime;

/// <summary>
/// Puts Answer (chatflow, "message" events) and End (workflow, "text_chunk" events) output on the
/// public stream in order, one response at a time (a simplified form of Dify's ResponseStreamFilter,
/// DIFY-SPEC §4.6). An LLM whose text is referenced by the response node it directly feeds streams
/// its tokens live; the text before that reference is emitted first, the rest when the response
/// node runs. Responses completing while another streams wait in a queue, so chunks never interleave.
/// </summary>
internal static class ResponseCoordinator
{
    internal sealed class Session
    {
        public string? LiveOwner;                 // response node being streamed by an LLM
        public string? LiveSource;                // the streaming LLM node
        public readonly Dictionary<string, int> Emitted = new(StringComparer.Ordinal); // response id → segments already emitted
        public readonly Queue<(CompiledNode Node, VariablePool Pool)> Waiting = new();
    }

    private static Session For(RunState state) => state.Responses;

    /// <summary>Decides, as an LLM is scheduled, whether its tokens stream live and to which event.</summary>
    public static NodeStreamPlan? StreamPlanFor(RunState state, CompiledNode node)
    {
        if (node.Type != "llm") return null;
        var session = For(state);
        if (session.LiveOwner is not null) return null;
        foreach (var edge in node.Outgoing)
        {
            var target = state.Definition.Nodes[edge.Target];
            if (!target.IsResponse || target.Incoming.Count != 1) continue;
            var segments = Segments(target);
            var at = segments.FindIndex(s => s is VariableTemplate.VariableSegment v && v.Selector.Parts.Count == 2 && v.Selector.NodeId == node.Id && v.Selector.Name == "text");
            if (at < 0) continue;
            // Live streaming needs everything before the LLM's text to be plain text, emitted now.
            if (segments.Take(at).Any(s => s is not VariableTemplate.TextSegment)) continue;
            session.LiveOwner = target.Id;
            session.LiveSource = node.Id;
            foreach (var t in segments.Take(at).Cast<VariableTemplate.TextSegment>()) EmitText(state, target, t.Text);
            session.Emitted[target.Id] = at + 1;
            return new NodeStreamPlan(EventName(state), "text");
        }
        return null;
    }

    public static void OnNodeFinished(RunState state, CompiledNode node, NodeRunResult result, VariablePool pool)
    {
        var session = For(state);
        if (node.IsResponse)
        {
            if (node.Type == "answer") state.Answer.Append(result.Outputs["answer"]?.ToString());
            else foreach (var (k, v) in result.Outputs) state.Outputs[k] = v?.DeepClone();

            if (session.LiveOwner is null || session.LiveOwner == node.Id)
            {
                EmitRemaining(state, session, node, pool);
                if (session.LiveOwner == node.Id) Release(state, session);
            }
            else
            {
                session.Waiting.Enqueue((node, pool.Copy()));
            }
        }
        else if (node.Id == session.LiveSource && result.Status != NodeRunStatus.Succeeded)
        {
            // The streaming LLM failed or fell back to defaults: the response renders normally.
            if (session.LiveOwner is { } owner) session.Emitted[owner] = 0;
            Release(state, session);
        }
        if (result.Metadata?["retriever_resources"] is JsonArray resources)
            foreach (var r in resources) state.RetrieverResources.Add(r?.DeepClone());
    }

    public static void OnNodeSkipped(RunState state, CompiledNode node)
    {
        var session = For(state);
        if (session.LiveOwner == node.Id) Release(state, session);
    }

    private static void Release(RunState state, Session session)
    {
        session.LiveOwner = null;
        session.LiveSource = null;
        while (session.LiveOwner is null && session.Waiting.TryDequeue(out var w)) EmitRemaining(state, session, w.Node, w.Pool);
    }

    private static void EmitRemaining(RunState state, Session session, CompiledNode node, VariablePool pool)
    {
        var segments = Segments(node);
        var from = session.Emitted.GetValueOrDefault(node.Id, 0);
        for (var i = from; i < segments.Count; i++)
        {
            switch (segments[i])
            {
                case VariableTemplate.TextSegment t:
                    EmitText(state, node, t.Text);
                    break;
                case VariableTemplate.VariableSegment v when pool.TryGet(v.Selector, out var value):
                    var text = ValueText.ToMarkdown(value);
                    if (text.Length > 0) Emit(state, text, v.Selector.ToJson());
                    break;
            }
        }
        session.Emitted[node.Id] = segments.Count;
    }

    private static void EmitText(RunState state, CompiledNode node, string text)
    {
        if (text.Length == 0) return;
        Emit(state, text, node.Type == "answer" ? new JsonArray(node.Id, "answer") : new JsonArray(node.Id, "output"));
    }

    private static void Emit(RunState state, string text, JsonArray selector)
    {
        if (state.Definition.Mode.AnswersInMessages())
            state.Emit("message", new JsonObject { ["answer"] = text, ["from_variable_selector"] = selector });
        else
            state.Emit("text_chunk", new JsonObject { ["text"] = text, ["from_variable_selector"] = selector });
    }

    private static string EventName(RunState state) => state.Definition.Mode.AnswersInMessages() ? "message" : "text_chunk";

    /// <summary>An answer's template; an end's outputs joined by newlines.</summary>
    private static List<VariableTemplate.Segment> Segments(CompiledNode node) => node.Data switch
    {
        AnswerNodeData a => a.Template.Segments.ToList(),
        EndNodeData e => e.Outputs.Where(o => o.Selector is not null)
            .SelectMany((o, i) => i == 0
                ? new VariableTemplate.Segment[] { new VariableTemplate.VariableSegment(o.Selector!, o.Selector!.ToString()) }
                : [new VariableTemplate.TextSegment("\n"), new VariableTemplate.VariableSegment(o.Selector!, o.Selector!.ToString())])
            .ToList(),
        _ => [],
    };
}
