using Dify.Workflows.Dsl;

namespace Dify.Workflows.Tests.Dsl;

/// <summary>Each structural rule, with a small broken file; every problem names the file, node and field.</summary>
public sealed class DslValidationTests
{
    private readonly DslImporter importer = new();

    private const string StartAndEnd = """
            - {id: s, data: {type: start, title: Start}}
            - {id: e, data: {type: end, title: End, outputs: []}}
        """ + "\n";

    [Fact]
    public void Duplicate_node_ids()
    {
        var problem = SingleError(StartAndEnd + "        - {id: e, data: {type: end, title: Again}}\n", "- {source: s, target: e}");
        Assert.Equal(("e", "id"), (problem.NodeId, problem.Field));
        Assert.Contains("more than one", problem.Message);
    }

    [Fact]
    public void Unknown_node_type()
    {
        var problem = SingleError(StartAndEnd + "        - {id: x, data: {type: teleport, title: X}}\n", "- {source: s, target: x}\n    - {source: x, target: e}");
        Assert.Equal(("x", "data.type"), (problem.NodeId, problem.Field));
        Assert.Contains("teleport", problem.Message);
    }

    [Fact]
    public void Our_onnx_node_is_known() =>
        Assert.Null(Import(StartAndEnd + "        - {id: x, data: {type: onnx-inference, title: X}}\n", "- {source: s, target: x}\n    - {source: x, target: e}").Error);

    [Fact]
    public void Edge_to_a_missing_node()
    {
        var outcome = Import(StartAndEnd, "- {source: s, target: e}\n    - {source: ghost, target: e}\n    - {source: s, target: nowhere}");
        Assert.Equal(DslImportStatus.Failed, outcome.Status);
        Assert.Equal([("ghost", "edges[1].source"), ("nowhere", "edges[2].target")], outcome.Errors.Select(p => (p.NodeId, p.Field)));
    }

    [Fact]
    public void Edge_without_source()
    {
        var problem = SingleError(StartAndEnd, "- {target: e}");
        Assert.Equal("edges[0].source", problem.Field);
    }

    [Fact]
    public void Workflow_needs_a_start_node()
    {
        var problem = SingleError("        - {id: e, data: {type: end, title: End}}\n");
        Assert.Null(problem.NodeId);
        Assert.Contains("no start node", problem.Message);
    }

    [Fact]
    public void A_trigger_counts_as_an_entry()
    {
        var outcome = Import("        - {id: t, data: {type: trigger-webhook, title: Hook}}\n        - {id: e, data: {type: end, title: End}}\n", "- {source: t, target: e}");
        Assert.Equal(DslImportStatus.Completed, outcome.Status);
    }

    [Fact]
    public void Missing_end_or_answer_is_only_a_warning()
    {
        var workflow = Import("        - {id: s, data: {type: start, title: Start}}\n");
        Assert.Equal(DslImportStatus.CompletedWithWarnings, workflow.Status);
        Assert.Contains("no end node", Assert.Single(workflow.Warnings).Message);

        var chatflow = Import("        - {id: s, data: {type: start, title: Start}}\n", mode: "advanced-chat");
        Assert.Equal(DslImportStatus.CompletedWithWarnings, chatflow.Status);
        Assert.Contains("no answer node", Assert.Single(chatflow.Warnings).Message);
    }

    [Fact]
    public void Cycles_are_errors_naming_their_nodes()
    {
        var nodes = StartAndEnd + "        - {id: a, data: {type: code, title: A}}\n        - {id: b, data: {type: code, title: B}}\n        - {id: c, data: {type: code, title: C}}\n";
        var problem = SingleError(nodes, "- {source: s, target: a}\n    - {source: a, target: b}\n    - {source: b, target: c}\n    - {source: c, target: a}\n    - {source: c, target: e}");
        Assert.Equal(("a", "graph.edges"), (problem.NodeId, problem.Field));
        Assert.Contains("'a', 'b', 'c'", problem.Message);
        Assert.DoesNotContain("'s'", problem.Message);
    }

    [Fact]
    public void Self_loop_is_a_cycle()
    {
        var problem = SingleError(StartAndEnd, "- {source: s, target: e}\n    - {source: e, target: e}");
        Assert.Equal("e", problem.NodeId);
        Assert.Contains("cycle", problem.Message);
    }

    [Fact]
    public void Child_of_a_missing_container()
    {
        var problem = SingleError(StartAndEnd + "        - {id: k, parentId: gone, data: {type: code, title: K, isInIteration: true, iteration_id: gone}}\n", "- {source: s, target: e}");
        Assert.Equal(("k", "data.iteration_id"), (problem.NodeId, problem.Field));
        Assert.Contains("'gone'", problem.Message);
    }

    [Fact]
    public void Child_in_a_loop_found_through_parentId()
    {
        var problem = SingleError(StartAndEnd + "        - {id: k, parentId: gone, data: {type: code, title: K, isInLoop: true}}\n", "- {source: s, target: e}");
        Assert.Equal(("k", "parentId"), (problem.NodeId, problem.Field));
    }

    [Fact]
    public void Container_start_node_must_exist()
    {
        var nodes = StartAndEnd + """
                    - {id: it, data: {type: iteration, title: It, start_node_id: itstart, iterator_selector: [s, list], output_selector: []}}
                    - {id: lp, data: {type: loop, title: Lp, start_node_id: lpstart, loop_count: 3}}

            """;
        var outcome = Import(nodes, "- {source: s, target: it}\n    - {source: it, target: lp}\n    - {source: lp, target: e}");
        Assert.Equal([("it", "data.start_node_id"), ("lp", "data.start_node_id")], outcome.Errors.Select(p => (p.NodeId, p.Field)));
    }

    [Fact]
    public void Selector_to_a_missing_node_names_node_and_field_path()
    {
        var nodes = """
                    - {id: s, data: {type: start, title: Start}}
                    - {id: e, data: {type: end, title: End, outputs: [{variable: a, value_selector: [s, x]}, {variable: b, value_selector: [ghost, text]}]}}

            """;
        var problem = SingleError(nodes, "- {source: s, target: e}");
        Assert.Equal(("e", "data.outputs[1].value_selector"), (problem.NodeId, problem.Field));
        Assert.Contains("'ghost'", problem.Message);
    }

    [Fact]
    public void Reserved_selector_roots_are_fine()
    {
        var nodes = """
                    - {id: s, data: {type: start, title: Start}}
                    - {id: e, data: {type: end, title: End, outputs: [{variable: a, value_selector: [sys, query]}, {variable: b, value_selector: [env, key]}, {variable: c, value_selector: [conversation, x]}, {variable: d, value_selector: [rag, s, x]}, {variable: f, value_selector: []}]}}

            """;
        Assert.Equal(DslImportStatus.Completed, Import(nodes, "- {source: s, target: e}").Status);
    }

    [Fact]
    public void Aggregator_variables_and_node_specific_selectors_are_checked()
    {
        var nodes = """
                    - {id: s, data: {type: start, title: Start}}
                    - {id: v, data: {type: variable-aggregator, title: V, variables: [[s, x], [nope1, y]], advanced_settings: {group_enabled: true, groups: [{group_name: g, variables: [[nope2, z]]}]}}}
                    - {id: p, data: {type: parameter-extractor, title: P, query: [nope3, q], parameters: []}}
                    - {id: l, data: {type: list-operator, title: L, variable: [nope4, list]}}
                    - {id: t, data: {type: tool, title: T, tool_parameters: {city: {type: variable, value: [nope5, city]}, n: {type: constant, value: [not, checked]}}}}
                    - {id: e, data: {type: end, title: End, outputs: []}}

            """;
        var outcome = Import(nodes, "- {source: s, target: v}\n    - {source: v, target: p}\n    - {source: p, target: l}\n    - {source: l, target: t}\n    - {source: t, target: e}");
        Assert.Equal(
            [("v", "data.variables[1]"), ("v", "data.advanced_settings.groups[0].variables[0]"), ("p", "data.query"), ("l", "data.variable"), ("t", "data.tool_parameters.city.value")],
            outcome.Errors.Select(p => (p.NodeId, p.Field)));
    }

    [Fact]
    public void Non_list_selector_is_an_error()
    {
        var nodes = """
                    - {id: s, data: {type: start, title: Start}}
                    - {id: c, data: {type: code, title: C, variables: [{variable: a, value_selector: s.x}, {variable: b, value_selector: {node: s}}, {variable: d, value_selector: [[s], x]}]}}
                    - {id: e, data: {type: end, title: End, outputs: []}}

            """;
        var outcome = Import(nodes, "- {source: s, target: c}\n    - {source: c, target: e}");
        Assert.Equal(["data.variables[0].value_selector", "data.variables[1].value_selector", "data.variables[2].value_selector"],
            outcome.Errors.Select(p => p.Field));
        Assert.All(outcome.Errors, p => Assert.Equal("c", p.NodeId));
    }

    [Fact]
    public void Container_items_and_loop_variables_are_valid_selectors()
    {
        var nodes = """
                    - {id: s, data: {type: start, title: Start}}
                    - {id: lp, data: {type: loop, title: Lp, start_node_id: lps, loop_count: 2, loop_variables: [{label: n, value_type: variable, value: [missing, v]}], break_conditions: [{variable_selector: [lp, n], comparison_operator: '>', value: '2'}]}}
                    - {id: lps, parentId: lp, data: {type: loop-start, title: '', isInLoop: true}}
                    - {id: e, data: {type: end, title: End, outputs: [{variable: n, value_selector: [lp, n]}]}}

            """;
        var problem = SingleError(nodes, "- {source: s, target: lp}\n    - {source: lp, target: e}");
        Assert.Equal(("lp", "data.loop_variables[0].value"), (problem.NodeId, problem.Field));
    }

    [Fact]
    public void Every_problem_is_collected_and_thrown_together()
    {
        var nodes = """
                    - {id: e, data: {type: end, title: End, outputs: [{variable: b, value_selector: [ghost, text]}]}}
                    - {id: e, data: {type: end, title: Dup}}
                    - {id: w, data: {type: warp, title: W}}

            """;
        var content = DslTestFiles.Workflow(Items(nodes), Items("- {source: w, target: e}\n- {source: e, target: x}"));
        var outcome = importer.Import(content, "many.yml");
        Assert.Equal(DslImportStatus.Failed, outcome.Status);
        Assert.Null(outcome.Document);
        Assert.Equal(5, outcome.Errors.Count()); // duplicate, unknown type, missing edge target, no start, bad selector
        Assert.All(outcome.Problems, p => Assert.Equal("many.yml", p.File));

        var thrown = Assert.Throws<DslValidationException>(() => importer.ImportOrThrow(content, "many.yml"));
        Assert.Equal(5, thrown.Problems.Count(p => !p.IsWarning));
        Assert.Contains("many.yml: node 'w': field 'data.type'", thrown.Message);
        Assert.Contains("many.yml: node 'e': field 'data.outputs[0].value_selector'", thrown.Message);
        Assert.Contains("5 problems", outcome.Error);
    }

    [Fact]
    public void Bad_environment_variable_type()
    {
        var file = """
            version: 0.6.0
            app: {mode: workflow, name: env}
            workflow:
              environment_variables:
              - {id: '1', name: k, value: x, value_type: file}
              - {id: '2', value: y, value_type: string}
              graph:
                nodes:
                - {id: s, data: {type: start, title: Start}}
                - {id: e, data: {type: end, title: End}}
                edges:
                - {source: s, target: e}
            """;
        var outcome = importer.Import(file, "env.yml");
        Assert.Equal(["workflow.environment_variables[0].value_type", "workflow.environment_variables[1].name"], outcome.Errors.Select(p => p.Field));
    }

    private DslImportOutcome Import(string nodes, string edges = "", string mode = "workflow") =>
        importer.Import(DslTestFiles.Workflow(Items(nodes), Items(edges), mode), "bad.yml");

    // Test snippets are indented however reads best here; the graph lists want their items at 4 spaces.
    private static string Items(string lines) =>
        string.Join("\n", lines.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => "    " + l));

    private DslProblem SingleError(string nodes, string edges = "")
    {
        var outcome = Import(nodes, edges);
        Assert.Equal(DslImportStatus.Failed, outcome.Status);
        Assert.Null(outcome.Document);
        var problem = Assert.Single(outcome.Errors);
        Assert.Equal("bad.yml", problem.File);
        return problem;
    }
}
