using Dify.Knowledge.Datasets;
using Dify.Knowledge.Embedding;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Dify.Knowledge.Tests.Quality;
using Dify.Workflows.Knowledge;

namespace Dify.Bench;

/// <summary>recall@5 of each search method on the knowledge tests' labelled set, with the embedded embedder.</summary>
internal static class KnowledgeRecall
{
    public static async Task RunAsync(string root)
    {
        await using var db = await KnowledgeDatabase.OpenAsync(Path.Combine(root, "recall.db"), default);
        var embedder = new EmbeddingRouter(new HashingEmbeddingModel());
        var index = new SqliteKnowledgeIndex(db, embedder);
        var ingestor = new KnowledgeIngestor(db, index, embedder);
        await ingestor.Datasets.SaveAsync(new DatasetRecord("help", "help"), default);
        foreach (var (id, text) in RetrievalSet.Documents)
            await ingestor.IngestAsync("help", id, id + ".txt", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), ProcessRule.Custom("\\n\\n", 1000, 0), default);

        var line = new List<string>();
        foreach (var method in new[] { SearchMethod.FullText, SearchMethod.Semantic, SearchMethod.Hybrid })
        {
            double found = 0, relevant = 0;
            foreach (var (query, answers) in RetrievalSet.Queries)
            {
                var ranked = (await index.RetrieveAsync(new KnowledgeQuery(["help"], query, 5, method), default)).Select(h => h.DocumentId).ToList();
                found += answers.Count(ranked.Contains);
                relevant += answers.Length;
            }
            line.Add($"{method.ToDify()} {found / relevant:P1}");
        }
        Console.WriteLine($"recall@5 on the labelled set ({RetrievalSet.Queries.Length} questions): {string.Join(", ", line)}");
    }
}
