using System.Text.Json.Nodes;
using Dify.Testing;

namespace Dify.Host.Tests;

/// <summary>Documents ingested with the CLI are found by an app's knowledge-retrieval node on the embedded index.</summary>
public sealed class KnowledgeCliTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Cli.CommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Ingest_then_query_then_a_rag_workflow_retrieves_the_right_chunk()
    {
        using var dir = new TempDirectory();
        var docs = Directory.CreateDirectory(dir.Combine("docs")).FullName;
        File.WriteAllText(Path.Combine(docs, "maintenance.md"), "The torque for M8 bolts on line 3 is 25 Nm.\n\nReplace the conveyor belt every 6 months.");
        File.WriteAllText(Path.Combine(docs, "safety.txt"), "Safety: wear gloves when handling the press. Emergency stop is the red button.");
        const string datasetId = "11111111-2222-3333-4444-555555555555";
        var data = dir.Combine("data");

        var (code, stdout, stderr) = await Run("knowledge", "ingest", docs, "--dataset", "manuals", "--dataset-id", datasetId, "--data", data);
        Assert.True(code == 0, stderr);
        var summary = JsonNode.Parse(stdout)!;
        Assert.Equal(2, (int)summary["documents"]!);

        (code, stdout, _) = await Run("knowledge", "query", "--dataset", "manuals", "--data", data, "emergency stop button");
        Assert.Equal(0, code);
        Assert.Equal("safety.txt", JsonNode.Parse(stdout)!["records"]![0]!["document"]!.ToString());

        var app = dir.Combine("rag.yml");
        File.WriteAllText(app, $$$"""
            version: 0.6.0
            kind: app
            app: {mode: workflow, name: rag}
            workflow:
              graph:
                nodes:
                - id: start
                  data: {type: start, title: Start, variables: [{variable: q, label: q, type: text-input, required: true}]}
                - id: kr
                  data: {type: knowledge-retrieval, title: Manuals, query_variable_selector: [start, q], dataset_ids: ['{{{datasetId}}}'], retrieval_mode: multiple, multiple_retrieval_config: {top_k: 1, reranking_enable: false}}
                - id: end
                  data: {type: end, title: End, outputs: [{variable: hits, value_selector: [kr, result]}]}
                edges:
                - {source: start, target: kr}
                - {source: kr, target: end}
            """);
        (code, stdout, stderr) = await Run("run", app, "--inputs", """{"q":"torque M8 bolts"}""", "--data", data);
        Assert.True(code == 0, stderr);
        var hit = JsonNode.Parse(stdout)!["hits"]![0]!;
        Assert.Contains("25 Nm", hit["content"]!.ToString());
        Assert.Equal("manuals", hit["metadata"]!["dataset_name"]!.ToString());
    }
}
