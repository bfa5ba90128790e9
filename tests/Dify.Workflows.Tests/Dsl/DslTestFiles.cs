namespace Dify.Workflows.Tests.Dsl;

/// <summary>Small hand-written app files for the importer and exporter tests.</summary>
internal static class DslTestFiles
{
    /// <summary>The minimal workflow of DIFY-SPEC §1.8.</summary>
    public const string Minimal = """
        version: 0.3.1
        kind: app
        app: {mode: workflow, name: echo, icon: 🤖, icon_background: '#FFEAD5', description: ''}
        dependencies: []
        workflow:
          environment_variables: []
          conversation_variables: []
          features: {}
          graph:
            nodes:
            - id: 'start'
              type: custom
              data: {type: start, title: Start, variables: [{variable: query, label: query, type: text-input, required: true}]}
            - id: 'end'
              type: custom
              data: {type: end, title: End, outputs: [{variable: query, value_selector: ['start', query], value_type: string}]}
            edges:
            - {source: 'start', sourceHandle: source, target: 'end', targetHandle: target}
        """;

    public const string WithSecret = """
        version: 0.6.0
        kind: app
        app: {mode: workflow, name: secret}
        workflow:
          environment_variables:
          - {id: e1, name: api_key, value: sk-123, value_type: secret, description: ''}
          - {id: e2, name: base, value: 'https://x', value_type: string, description: ''}
          graph:
            nodes:
            - {id: s, data: {type: start, title: Start}}
            - {id: e, data: {type: end, title: End, outputs: [{variable: k, value_selector: [env, api_key]}]}}
            edges:
            - {source: s, target: e}
        """;

    public const string ChatApp = """
        version: 0.1.5
        kind: app
        app: {mode: chat, name: chatty}
        model_config:
          pre_prompt: You are helpful.
          model: {provider: openai, name: gpt-4o, mode: chat, completion_params: {temperature: 0.7}}
          user_input_form: []
        """;

    /// <summary>A workflow with the given nodes and edges YAML (each line indented by 4 spaces already).</summary>
    public static string Workflow(string nodes, string edges = "", string mode = "workflow", string version = "0.6.0") => $"""
        version: {version}
        kind: app
        app: {"{"}mode: {mode}, name: test{"}"}
        workflow:
          graph:
            nodes:
        {nodes}
            edges:{(edges.Length == 0 ? " []" : "\n" + edges)}
        """;
}
