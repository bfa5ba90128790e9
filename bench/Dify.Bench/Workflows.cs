using System.Text;

namespace Dify.Bench;

/// <summary>DSL files generated for the benchmarks.</summary>
internal static class Workflows
{
    private static string Header(string mode = "workflow") => $"""
        version: 0.3.1
        kind: app
        app: {"{"}mode: {mode}, name: bench{"}"}
        workflow:
          graph:
            nodes:
            - id: start
              data: {"{"}type: start, title: Start, variables: [{"{"}variable: q, label: q, type: text-input, required: false{"}"}]{"}"}

        """;

    /// <summary>start → n nodes of one kind in a chain → end.</summary>
    public static string Chain(int n, Func<int, string, string> nodeData)
    {
        var sb = new StringBuilder(Header());
        var prev = "start";
        for (var i = 0; i < n; i++)
        {
            sb.Append($"    - id: n{i}\n      data: {nodeData(i, prev)}\n");
            prev = $"n{i}";
        }
        sb.Append($"    - id: end\n      data: {{type: end, title: End, outputs: [{{variable: out, value_selector: [{prev}, {(nodeData(0, "start").Contains("llm") ? "text" : "output")}]}}]}}\n");
        sb.Append("    edges:\n");
        prev = "start";
        for (var i = 0; i < n; i++)
        {
            sb.Append($"    - {{source: {prev}, target: n{i}}}\n");
            prev = $"n{i}";
        }
        sb.Append($"    - {{source: {prev}, target: end}}\n");
        return sb.ToString();
    }

    public static string Aggregator(int i, string prev) =>
        $"{{type: variable-aggregator, title: A{i}, variables: [[{prev}, {(prev == "start" ? "q" : "output")}]]}}";

    public static string Llm(int i, string prev) =>
        $"{{type: llm, title: L{i}, model: {{provider: openai, name: gpt-4o-mini, mode: chat, completion_params: {{}}}}, prompt_template: [{{role: user, text: 'step {i}'}}], context: {{enabled: false}}, vision: {{enabled: false}}}}";

    public static string Code(int i, string prev) =>
        "{type: code, title: C, code_language: python3, variables: [{variable: q, value_selector: [start, q]}], code: \"def main(q):\\n    return {'output': (q or '') + '!'}\", outputs: {output: {type: string}}}";

    public static string Template(int i, string prev) =>
        "{type: template-transform, title: T, variables: [{variable: q, value_selector: [start, q]}], template: 'Hello {{ q }}!'}";

    /// <summary>A 10-node workflow: start, if-else, two branches joined, a code node, an LLM, a template, end.</summary>
    public static string TenNodes => Header() + """
            - id: ifelse
              data: {type: if-else, title: IF, cases: [{case_id: 'true', logical_operator: and, conditions: [{variable_selector: [start, q], comparison_operator: contains, value: a}]}]}
            - id: left
              data: {type: variable-aggregator, title: L, variables: [[start, q]]}
            - id: right
              data: {type: variable-aggregator, title: R, variables: [[start, q]]}
            - id: join
              data: {type: variable-aggregator, title: J, variables: [[left, output], [right, output]]}
            - id: llm
              data: {type: llm, title: LLM, model: {provider: openai, name: gpt-4o-mini, mode: chat, completion_params: {}}, prompt_template: [{role: user, text: '{{#join.output#}}'}]}
            - id: agg3
              data: {type: variable-aggregator, title: G3, variables: [[agg2, output]]}
            - id: agg
              data: {type: variable-aggregator, title: G, variables: [[llm, text]]}
            - id: agg2
              data: {type: variable-aggregator, title: G2, variables: [[agg, output]]}
            - id: end
              data: {type: end, title: End, outputs: [{variable: out, value_selector: [agg3, output]}]}
            edges:
            - {source: start, target: ifelse}
            - {source: ifelse, sourceHandle: 'true', target: left}
            - {source: ifelse, sourceHandle: 'false', target: right}
            - {source: left, target: join}
            - {source: right, target: join}
            - {source: join, target: llm}
            - {source: llm, target: agg}
            - {source: agg, target: agg2}
            - {source: agg2, target: agg3}
            - {source: agg3, target: end}
        """;
}
