using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Llm;
using static Dify.Workflows.Tests.Nodes.Llm.ModelNodeHarness;

namespace Dify.Workflows.Tests.Nodes.Llm;

public sealed class LlmNodeContextTests
{
    private static JsonObject Data() => new()
    {
        ["model"] = Model(),
        ["prompt_template"] = new JsonArray(new JsonObject { ["role"] = "system", ["text"] = "Use:\n{{#context#}}" }, new JsonObject { ["role"] = "user", ["text"] = "q" }),
        ["context"] = new JsonObject { ["enabled"] = true, ["variable_selector"] = new JsonArray("kr", "result") },
    };

    private static JsonObject Item(string content, string? summary, bool knowledge, int position) => new()
    {
        ["content"] = content,
        ["summary"] = summary,
        ["title"] = "doc.md",
        ["metadata"] = knowledge
            ? new JsonObject
            {
                ["_source"] = "knowledge", ["position"] = position, ["dataset_id"] = "ds1", ["dataset_name"] = "Docs", ["document_id"] = "d1",
                ["document_name"] = "doc.md", ["data_source_type"] = "upload_file", ["segment_id"] = "s" + position, ["retriever_from"] = "workflow",
                ["score"] = 0.9, ["segment_hit_count"] = 0, ["segment_word_count"] = content.Length, ["segment_position"] = position,
                ["segment_index_node_hash"] = "h", ["doc_metadata"] = new JsonObject { ["lang"] = "en" },
            }
            : new JsonObject(),
    };

    [Fact]
    public async Task Array_context_gives_summary_and_content_lines_and_knowledge_items_become_retriever_resources()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var result = new JsonArray(Item("First chunk.", "Summary one", true, 1), Item("Other.", null, false, 2), "plain line");

        var run = await RunAsync(new LlmNode(ModelsFor(server)), Data(), Pool(("kr", "result", result)));

        Assert.Equal(NodeRunStatus.Succeeded, run.Status);
        Assert.Equal("Use:\nSummary one\nFirst chunk.\nOther.\nplain line", Assert.Single(server.Requests).Messages[0].Text);
        var resource = Assert.Single(run.Metadata!["retriever_resources"]!.AsArray())!.AsObject();
        Assert.Equal("ds1", resource["dataset_id"]!.GetValue<string>());
        Assert.Equal("s1", resource["segment_id"]!.GetValue<string>());
        Assert.Equal("First chunk.", resource["content"]!.GetValue<string>());
        Assert.Equal(1, resource["position"]!.GetValue<int>());
        Assert.Equal(12, resource["word_count"]!.GetValue<int>());
        Assert.Equal("en", resource["doc_metadata"]!["lang"]!.GetValue<string>());
    }

    [Fact]
    public async Task Context_item_without_content_fails_with_invalid_context_structure()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();

        var run = await RunAsync(new LlmNode(ModelsFor(server)), Data(), Pool(("kr", "result", new JsonArray(new JsonObject { ["title"] = "x" }))));

        Assert.Equal(NodeRunStatus.Failed, run.Status);
        Assert.StartsWith("Invalid context structure", run.Error);
        Assert.Empty(server.Requests);
    }
}
