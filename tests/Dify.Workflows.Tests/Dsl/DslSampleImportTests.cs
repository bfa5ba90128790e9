using System.Text.Json.Nodes;
using Dify.Workflows.Dsl;

namespace Dify.Workflows.Tests.Dsl;

/// <summary>The real Dify exports in ../shared/dsl-samples import with the facts we know about them.</summary>
public sealed class DslSampleImportTests
{
    private readonly DslImporter importer = new();

    [Theory]
    [InlineData("chart_demo.yml", "0.1.3", AppMode.AdvancedChat, 4, 3)]
    [InlineData("dify_course_demo.yml", "0.1.2", AppMode.Workflow, 9, 7)]
    [InlineData("document_chat_template.yml", "0.1.0", AppMode.Workflow, 23, 22)]
    [InlineData("form_chat_demo.yml", "0.1.3", AppMode.AdvancedChat, 10, 9)]
    [InlineData("intent_reply_qc_kr.yml", "0.1.0", AppMode.Workflow, 9, 9)]
    [InlineData("llm2o1_cn.yml", "0.1.2", AppMode.AdvancedChat, 10, 8)]
    [InlineData("llm_siege_game.yml", "0.1.5", AppMode.AdvancedChat, 29, 38)]
    [InlineData("simple_kimi.yml", "0.1.2", AppMode.AdvancedChat, 38, 40)]
    [InlineData("translation_workflow.yml", "0.1.0", AppMode.Workflow, 8, 8)]
    public void Sample_imports_with_expected_shape(string file, string version, AppMode mode, int nodes, int edges)
    {
        if (Load(file) is not { } outcome) return;
        Assert.True(outcome.Status == DslImportStatus.CompletedWithWarnings, string.Join("\n", outcome.Problems));
        Assert.Empty(outcome.Errors);
        // Old files warn about their version and nothing else: no false alarms on real exports.
        Assert.Equal("version", Assert.Single(outcome.Problems).Field);
        Assert.Equal(version, outcome.ImportedVersion);
        Assert.Equal("0.6.0", outcome.CurrentVersion);
        var doc = outcome.Document!;
        Assert.Equal(mode, doc.App.Mode);
        Assert.Equal(nodes, doc.Graph!.Nodes.Count);
        Assert.Equal(edges, doc.Graph.Edges.Count);
        var ids = doc.Graph.Nodes.Select(n => n.Id).ToHashSet();
        Assert.All(doc.Graph.Edges, e => Assert.True(ids.Contains(e.Source) && ids.Contains(e.Target)));
        Assert.Single(doc.Graph.Nodes, n => n.Type == "start");
    }

    [Fact]
    public void Document_chat_template_drops_its_sticky_notes()
    {
        if (Load("document_chat_template.yml") is not { } outcome) return;
        var graph = outcome.Document!.Graph!;
        Assert.DoesNotContain(graph.Nodes, n => n.Raw["type"]?.ToString() == "custom-note");
        Assert.Equal(5, graph.Nodes.Count(n => n.Type == "end"));
        Assert.Equal(6, graph.Nodes.Count(n => n.Type == "template-transform"));
        Assert.Equal(4, graph.Nodes.Count(n => n.Type == "knowledge-retrieval"));
        // Its if-else has both the legacy and the new shape; the existing cases are kept as they are.
        var ifElse = Assert.Single(graph.Nodes, n => n.Type == "if-else");
        var onlyCase = Assert.Single(ifElse.Data["cases"]!.AsArray());
        Assert.Equal("true", onlyCase!["case_id"]!.GetValue<string>());
        Assert.Contains(graph.Edges, e => e.Source == ifElse.Id && e.SourceHandle == "false");
        Assert.Contains(graph.Edges, e => e.Source == ifElse.Id && e.SourceHandle == "true");
    }

    [Fact]
    public void Course_demo_places_iteration_children_in_their_container()
    {
        if (Load("dify_course_demo.yml") is not { } outcome) return;
        var graph = outcome.Document!.Graph!;
        var iteration = Assert.Single(graph.Nodes, n => n.Type == "iteration");
        Assert.Equal("1728217105363", iteration.Id);
        var children = graph.Nodes.Where(n => n.ParentId == iteration.Id).Select(n => n.Id).Order().ToList();
        Assert.Equal(["1728217105363start", "1728218323079", "1728218846720", "1728463823248"], children);
        Assert.Equal("iteration-start", graph.Nodes.Single(n => n.Id == "1728217105363start").Type);
    }

    [Fact]
    public void Form_chat_demo_keeps_variables_and_current_if_else_cases()
    {
        if (Load("form_chat_demo.yml") is not { } outcome) return;
        var doc = outcome.Document!;
        var env = Assert.Single(doc.EnvironmentVariables);
        Assert.Equal(("login", "number"), (env.Name, env.ValueType));
        var conversation = Assert.Single(doc.ConversationVariables);
        Assert.Equal(("user_token", "string"), (conversation.Name, conversation.ValueType));
        foreach (var ifElse in doc.Graph!.Nodes.Where(n => n.Type == "if-else"))
        {
            // Already the 0.1.3 shape: nothing to upgrade, so data equals the original.
            Assert.Null(ifElse.Raw["data"]!["conditions"]);
            Assert.True(JsonNode.DeepEquals(ifElse.Raw["data"], ifElse.Data));
        }
        Assert.Equal("openai_api_compatible", doc.Graph.Nodes.Single(n => n.Type == "llm").Data["model"]!["provider"]!.GetValue<string>());
        Assert.Single(doc.Graph.Nodes, n => n.Type == "assigner");
    }

    [Fact]
    public void Siege_game_has_its_conversation_state_and_answers()
    {
        if (Load("llm_siege_game.yml") is not { } outcome) return;
        var doc = outcome.Document!;
        Assert.Equal(["question_type", "status", "question_id", "game_level"], doc.ConversationVariables.Select(v => v.Name));
        Assert.Equal(10, doc.Graph!.Nodes.Count(n => n.Type == "answer"));
        Assert.Equal(6, doc.Graph.Nodes.Count(n => n.Type == "if-else"));
        Assert.All(doc.Graph.Nodes.Where(n => n.Type == "if-else"), n => Assert.IsType<JsonArray>(n.Data["cases"]));
    }

    [Fact]
    public void Translation_workflow_keeps_the_aggregator_join_and_end_output()
    {
        if (Load("translation_workflow.yml") is not { } outcome) return;
        var graph = outcome.Document!.Graph!;
        Assert.Equal(4, graph.Nodes.Count(n => n.Type == "llm"));
        var aggregator = Assert.Single(graph.Nodes, n => n.Type == "variable-aggregator");
        Assert.Equal(2, graph.Edges.Count(e => e.Target == aggregator.Id));
        Assert.Single(graph.Nodes, n => n.Type == "end");
    }

    [Fact]
    public void Simple_kimi_has_tools_and_list_operators()
    {
        if (Load("simple_kimi.yml") is not { } outcome) return;
        var graph = outcome.Document!.Graph!;
        Assert.Equal(5, graph.Nodes.Count(n => n.Type == "tool"));
        Assert.Equal(3, graph.Nodes.Count(n => n.Type == "list-operator"));
        Assert.Single(graph.Nodes, n => n.Type == "document-extractor");
    }

    private DslImportOutcome? Load(string file)
    {
        var folder = DslSamples.Folder();
        if (folder is null)
        {
            Console.WriteLine("dsl-samples folder not found; skipping");
            return null;
        }
        return importer.ImportFile(Path.Combine(folder, file));
    }
}
