using Dify.Workflows.Dsl;

namespace Dify.Workflows.Tests.Dsl;

/// <summary>Reading files: versions, document blocks, ids and handles as strings, JSON input, normalisation.</summary>
public sealed class DslImporterTests
{
    private readonly DslImporter importer = new();

    [Fact]
    public void Minimal_example_from_the_spec_imports()
    {
        var outcome = importer.Import(DslTestFiles.Minimal, "echo.yml");
        Assert.Equal(DslImportStatus.CompletedWithWarnings, outcome.Status);
        Assert.Equal("completed-with-warnings", outcome.Status.ToDify());
        Assert.Equal("0.3.1", outcome.ImportedVersion);
        Assert.Null(outcome.Error);
        var doc = outcome.Document!;
        Assert.Equal(new AppInfo("echo", AppMode.Workflow, "", "🤖", null, "#FFEAD5", false), doc.App);
        Assert.Equal(["start", "end"], doc.Graph!.Nodes.Select(n => n.Id));
        Assert.Equal(["Start", "End"], doc.Graph.Nodes.Select(n => n.Title));
        var edge = Assert.Single(doc.Graph.Edges);
        Assert.Equal(("start-source-end-target", "start", "source", "end", "target"), (edge.Id, edge.Source, edge.SourceHandle, edge.Target, edge.TargetHandle));
        Assert.Empty(doc.Features);
        Assert.Empty(doc.Dependencies);
        Assert.Null(doc.ModelConfig);
    }

    [Theory]
    [InlineData("0.6.0", DslImportStatus.Completed)]
    [InlineData("0.6.3", DslImportStatus.Pending)]       // newer than we know
    [InlineData("0.7.0", DslImportStatus.Pending)]
    [InlineData("1.0.0", DslImportStatus.Pending)]
    [InlineData("0.5.0", DslImportStatus.CompletedWithWarnings)]
    [InlineData("0.1.0", DslImportStatus.CompletedWithWarnings)]
    [InlineData("0.6.0rc1", DslImportStatus.Completed)]  // pre-release of the current one: older, same minor
    [InlineData("banana", DslImportStatus.Failed)]
    public void Version_decides_the_status_as_in_Dify(string version, DslImportStatus expected)
    {
        var outcome = importer.Import(DslTestFiles.Minimal.Replace("version: 0.3.1", $"version: '{version}'"), "v.yml");
        Assert.Equal(expected, outcome.Status);
        Assert.Equal(version, outcome.ImportedVersion);
        Assert.Equal(expected == DslImportStatus.Failed, outcome.Document is null);
        if (expected == DslImportStatus.Failed) Assert.Contains(outcome.Problems, p => p.Field == "version" && !p.IsWarning);
    }

    [Fact]
    public void Older_major_version_is_pending_and_older_minor_warns()
    {
        // Cannot happen while the current version is 0.x, so check the rule against a 1.x current.
        Assert.Equal(DslImportStatus.Pending, DslVersion.Compatibility("0.9.0", current: "1.2.0"));
        Assert.Equal(DslImportStatus.CompletedWithWarnings, DslVersion.Compatibility("1.1.9", current: "1.2.0"));
        Assert.Equal(DslImportStatus.Completed, DslVersion.Compatibility("1.2.0", current: "1.2.0"));
        Assert.Equal(DslImportStatus.Failed, DslVersion.Compatibility("1.x", current: "1.2.0"));
    }

    [Fact]
    public void Status_strings_match_Dify() =>
        Assert.Equal(["completed", "completed-with-warnings", "pending", "failed"],
            Enum.GetValues<DslImportStatus>().Select(s => s.ToDify()));

    [Fact]
    public void Missing_version_means_0_1_0()
    {
        var outcome = importer.Import(DslTestFiles.Minimal.Replace("version: 0.3.1\n", ""), "v.yml");
        Assert.Equal("0.1.0", outcome.ImportedVersion);
        Assert.Equal(DslImportStatus.CompletedWithWarnings, outcome.Status);
    }

    [Fact]
    public void Non_string_version_fails_with_a_clear_error()
    {
        var outcome = importer.Import(DslTestFiles.Minimal.Replace("version: 0.3.1", "version: 0.1"), "v.yml");
        Assert.Equal(DslImportStatus.Failed, outcome.Status);
        Assert.Null(outcome.Document);
        var problem = Assert.Single(outcome.Errors);
        Assert.Equal("version", problem.Field);
        Assert.Contains("must be a string", problem.Message);
        Assert.Contains("v.yml", outcome.Error);
    }

    [Theory]
    [InlineData("- a\n- b\n")]
    [InlineData("just text\n")]
    [InlineData("")]
    public void Root_must_be_a_mapping(string content)
    {
        var outcome = importer.Import(content, "r.yml");
        Assert.Equal(DslImportStatus.Failed, outcome.Status);
        Assert.Contains("mapping", outcome.Error);
    }

    [Fact]
    public void Broken_yaml_names_the_line()
    {
        var outcome = importer.Import("version: '0.6.0'\napp:\n  mode: [workflow\n", "bad.yml");
        Assert.Equal(DslImportStatus.Failed, outcome.Status);
        Assert.Contains("invalid YAML at line", Assert.Single(outcome.Errors).Message);
    }

    [Theory]
    [InlineData("kind: app\nversion: 0.6.0\n", "app")]
    [InlineData("app: {name: x}\nversion: 0.6.0\n", "app.mode")]
    [InlineData("app: {name: x, mode: robot}\nversion: 0.6.0\n", "app.mode")]
    [InlineData("app: {name: x, mode: workflow}\nversion: 0.6.0\n", "workflow")]
    [InlineData("app: {name: x, mode: advanced-chat}\nversion: 0.6.0\nworkflow: {features: {}}\n", "workflow.graph")]
    [InlineData("app: {name: x, mode: completion}\nversion: 0.6.0\n", "model_config")]
    public void Required_blocks_are_reported(string content, string field)
    {
        var outcome = importer.Import(content, "blocks.yml");
        Assert.Equal(DslImportStatus.Failed, outcome.Status);
        Assert.Equal(field, Assert.Single(outcome.Errors).Field);
    }

    [Fact]
    public void Kind_is_ignored_and_forced_to_app()
    {
        var outcome = importer.Import(DslTestFiles.Minimal.Replace("kind: app", "kind: something-else"), "k.yml");
        Assert.NotNull(outcome.Document);
    }

    [Fact]
    public void Chat_apps_keep_model_config_and_have_no_graph()
    {
        var doc = importer.ImportOrThrow(DslTestFiles.ChatApp, "chat.yml");
        Assert.Equal(AppMode.Chat, doc.App.Mode);
        Assert.Null(doc.Graph);
        Assert.Equal("You are helpful.", doc.ModelConfig!["pre_prompt"]!.GetValue<string>());
    }

    [Fact]
    public void Unquoted_ids_and_handles_are_read_as_strings()
    {
        var file = DslTestFiles.Workflow("""
                - {id: 1754154032319, data: {type: start, title: Start}}
                - {id: 1754217359748, data: {type: if-else, title: IF, cases: [{case_id: true, logical_operator: and, conditions: [{variable_selector: [1754154032319, x], comparison_operator: empty}]}]}}
                - {id: 17, data: {type: end, title: A, outputs: []}}
                - {id: '18', data: {type: end, title: B, outputs: []}}
            """, """
                - {source: 1754154032319, target: 1754217359748}
                - {source: 1754217359748, sourceHandle: true, target: 17, targetHandle: target}
                - {source: 1754217359748, sourceHandle: 'false', target: '18'}
            """);
        var graph = importer.ImportOrThrow(file, "ids.yml").Graph!;
        Assert.Equal(["1754154032319", "1754217359748", "17", "18"], graph.Nodes.Select(n => n.Id));
        Assert.Equal(["source", "true", "false"], graph.Edges.Select(e => e.SourceHandle));
        Assert.Equal("1754217359748-true-17-target", graph.Edges[1].Id);
        Assert.Equal("17", graph.Edges[1].Target);
        var ifElse = graph.Nodes[1].Data;
        Assert.Equal("1754154032319", ifElse["cases"]![0]!["conditions"]![0]!["variable_selector"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Legacy_if_else_becomes_one_true_case()
    {
        var file = DslTestFiles.Workflow("""
                - {id: s, data: {type: start, title: Start}}
                - {id: c, data: {type: if-else, title: IF, logical_operator: or, conditions: [{variable_selector: [s, x], comparison_operator: empty}]}}
                - {id: e, data: {type: end, title: End}}
            """, """
                - {source: s, target: c}
                - {source: c, sourceHandle: 'true', target: e}
            """);
        var node = importer.ImportOrThrow(file, "legacy.yml").Graph!.Nodes[1];
        var only = Assert.Single(node.Data["cases"]!.AsArray())!;
        Assert.Equal("true", only["case_id"]!.GetValue<string>());
        Assert.Equal("or", only["logical_operator"]!.GetValue<string>());
        Assert.Equal("s", only["conditions"]![0]!["variable_selector"]![0]!.GetValue<string>());
        Assert.Null(node.Raw["data"]!["cases"]); // the original is kept untouched
    }

    [Fact]
    public void Old_names_and_provider_ids_are_normalised()
    {
        var file = DslTestFiles.Workflow("""
                - {id: s, data: {type: start, title: Start}}
                - {id: l, data: {type: llm, title: LLM, model: {provider: langgenius/openai/openai, name: gpt-4o, mode: chat}}}
                - {id: k, data: {type: knowledge-retrieval, title: K, single_retrieval_config: {model: {provider: langgenius/tongyi/tongyi, name: q}}, multiple_retrieval_config: {reranking_model: {provider: langgenius/cohere/cohere, model: rerank}}}}
                - {id: v, data: {type: variable-assigner, title: Join, output_type: string, variables: [[l, text], [s, x]]}}
                - {id: e, data: {type: end, title: End, outputs: [{variable: o, value_selector: [v, output], value_type: 'Array[String]'}]}}
            """, """
                - {source: s, target: l}
                - {source: l, target: k}
                - {source: k, target: v}
                - {source: v, target: e}
            """);
        var nodes = importer.ImportOrThrow(file, "old.yml").Graph!.Nodes.ToDictionary(n => n.Id);
        Assert.Equal("openai", nodes["l"].Data["model"]!["provider"]!.GetValue<string>());
        Assert.Equal("langgenius/openai/openai", nodes["l"].Raw["data"]!["model"]!["provider"]!.GetValue<string>());
        Assert.Equal("tongyi", nodes["k"].Data["single_retrieval_config"]!["model"]!["provider"]!.GetValue<string>());
        Assert.Equal("cohere", nodes["k"].Data["multiple_retrieval_config"]!["reranking_model"]!["provider"]!.GetValue<string>());
        Assert.Equal("variable-aggregator", nodes["v"].Type);
        Assert.Equal("variable-aggregator", nodes["v"].Data["type"]!.GetValue<string>());
        Assert.Equal("array[string]", nodes["e"].Data["outputs"]![0]!["value_type"]!.GetValue<string>());
    }

    [Fact]
    public void Container_children_get_their_parent()
    {
        var file = DslTestFiles.Workflow("""
                - {id: s, data: {type: start, title: Start, variables: []}}
                - {id: it, data: {type: iteration, title: It, start_node_id: itstart, iterator_selector: [s, list], output_selector: [inner, text]}}
                - {id: itstart, parentId: it, type: custom-iteration-start, data: {type: iteration-start, title: '', isInIteration: true}}
                - {id: inner, parentId: it, data: {type: template-transform, title: T, isInIteration: true, iteration_id: it, variables: [{variable: x, value_selector: [it, item]}]}}
                - {id: lp, data: {type: loop, title: Loop, start_node_id: lpstart, loop_variables: [{label: n, var_type: number, value_type: variable, value: [s, count]}]}}
                - {id: lpstart, parentId: lp, data: {type: loop-start, title: '', isInLoop: true}}
                - {id: inloop, parentId: lp, data: {type: assigner, title: A, version: '2', isInLoop: true, loop_id: lp, items: [{variable_selector: [lp, n], input_type: constant, operation: +=, value: 1}]}}
                - {id: e, data: {type: end, title: End, outputs: [{variable: o, value_selector: [it, output]}]}}
            """, """
                - {source: s, target: it}
                - {source: itstart, target: inner}
                - {source: it, target: lp}
                - {source: lpstart, target: inloop}
                - {source: lp, target: e}
            """);
        var outcome = importer.Import(file, "containers.yml");
        Assert.True(outcome.Status == DslImportStatus.Completed, string.Join("\n", outcome.Problems));
        var parents = outcome.Document!.Graph!.Nodes.ToDictionary(n => n.Id, n => n.ParentId);
        Assert.Equal("it", parents["itstart"]);
        Assert.Equal("it", parents["inner"]);
        Assert.Equal("lp", parents["lpstart"]);
        Assert.Equal("lp", parents["inloop"]);
        Assert.Null(parents["it"]);
    }

    [Fact]
    public void Edges_to_sticky_notes_go_with_them()
    {
        var file = DslTestFiles.Workflow("""
                - {id: s, data: {type: start, title: Start}}
                - {id: note, type: custom-note, data: {text: hello, theme: blue}}
                - {id: blank, data: {title: no type}}
                - {id: e, data: {type: end, title: End}}
            """, """
                - {source: s, target: e}
                - {source: note, target: e}
                - {source: s, target: blank}
            """);
        var outcome = importer.Import(file, "notes.yml");
        Assert.Equal(DslImportStatus.Completed, outcome.Status);
        Assert.Equal(["s", "e"], outcome.Document!.Graph!.Nodes.Select(n => n.Id));
        Assert.Single(outcome.Document.Graph.Edges);
    }

    [Fact]
    public void Non_scalar_handle_drops_the_edge_with_a_warning()
    {
        var file = DslTestFiles.Workflow("""
                - {id: s, data: {type: start, title: Start}}
                - {id: e, data: {type: end, title: End}}
            """, """
                - {source: s, target: e}
                - {source: s, sourceHandle: [oops], target: e}
            """);
        var outcome = importer.Import(file, "handles.yml");
        Assert.Equal(DslImportStatus.CompletedWithWarnings, outcome.Status);
        Assert.Single(outcome.Document!.Graph!.Edges);
        var warning = Assert.Single(outcome.Warnings);
        Assert.Equal("edges[1].sourceHandle", warning.Field);
    }

    [Fact]
    public void Variables_features_and_dependencies_are_kept()
    {
        var file = """
            version: 0.6.0
            app: {mode: advanced-chat, name: vars}
            dependencies:
            - {type: marketplace, value: {marketplace_plugin_unique_identifier: 'langgenius/openai:0.0.1@abc'}}
            workflow:
              features: {opening_statement: hi, suggested_questions: [a, b]}
              environment_variables:
              - {id: '1', name: key, value: '', value_type: secret, description: k}
              - {id: '2', name: limit, value: 5, value_type: number, description: ''}
              conversation_variables:
              - {id: '3', name: history, value: [], value_type: 'array[string]', description: ''}
              graph:
                nodes:
                - {id: s, data: {type: start, title: Start}}
                - {id: a, data: {type: answer, title: A, answer: '{{#conversation.history#}} {{#env.limit#}}'}}
                edges:
                - {source: s, target: a}
            """;
        var doc = importer.ImportOrThrow(file, "vars.yml");
        Assert.Equal(["key", "limit"], doc.EnvironmentVariables.Select(v => v.Name));
        Assert.Equal("", doc.EnvironmentVariables[0].Value!.GetValue<string>());
        Assert.Equal(5L, doc.EnvironmentVariables[1].Value!.GetValue<long>());
        Assert.Equal("array[string]", doc.ConversationVariables.Single().ValueType);
        Assert.Equal("hi", doc.Features["opening_statement"]!.GetValue<string>());
        Assert.Single(doc.Dependencies);
    }

    [Fact]
    public void Json_input_imports_too()
    {
        var json = """
            {
              "version": "0.6.0",
              "kind": "app",
              "app": {"name": "json app", "mode": "workflow"},
              "workflow": {"graph": {
                "nodes": [
                  {"id": 1, "data": {"type": "start", "title": "Start"}},
                  {"id": "2", "data": {"type": "end", "title": "End", "outputs": [{"variable": "q", "value_selector": [1, "q"]}]}}
                ],
                "edges": [{"source": 1, "sourceHandle": true, "target": "2"}]
              }}
            }
            """;
        var outcome = importer.Import(json, "app.json");
        Assert.True(outcome.Status == DslImportStatus.Completed, string.Join("\n", outcome.Problems));
        var graph = outcome.Document!.Graph!;
        Assert.Equal(["1", "2"], graph.Nodes.Select(n => n.Id));
        Assert.Equal("true", graph.Edges[0].SourceHandle);
        Assert.Equal("1", graph.Nodes[1].Data["outputs"]![0]!["value_selector"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Broken_json_reports_a_json_error_with_position()
    {
        var outcome = importer.Import("{\n  \"version\": \"0.6.0\",\n  \"app\": {\"mode\": }\n}", "broken.json");
        Assert.Equal(DslImportStatus.Failed, outcome.Status);
        var error = Assert.Single(outcome.Errors);
        Assert.StartsWith("invalid JSON at line 3", error.Message);
        Assert.Equal("broken.json", error.File);
    }

    [Fact]
    public void Json_version_must_be_a_string()
    {
        var outcome = importer.Import("""{"version": 0.1, "app": {"mode": "workflow"}}""", "v.json");
        Assert.Equal("version", Assert.Single(outcome.Errors).Field);
    }

    [Fact]
    public void Missing_file_fails_cleanly()
    {
        var outcome = importer.ImportFile(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".yml"));
        Assert.Equal(DslImportStatus.Failed, outcome.Status);
        Assert.Contains("cannot read", outcome.Error);
    }
}
