using System.Runtime.InteropServices;
using Dify.Knowledge.Embedding;
using Dify.Knowledge.Index;
using Dify.Knowledge.Storage;
using Dify.Testing;
using Dify.Workflows.Knowledge;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Tests.Index;

/// <summary>Compact vector storage: float16 blobs on disk, int8 in the search view, and files from before both.</summary>
public sealed class VectorStorageTests
{
    private const string Manual = "Tighten the M8 bolts to 25 newton metres.\nReplace the coolant filter every 500 hours.\n"
                                  + "The spindle warms up for ten minutes before cutting.\nCalibrate the probe after every tool change.\n"
                                  + "Emergency stop buttons must be tested weekly.";

    [Fact]
    public async Task A_knowledge_file_with_float32_vectors_and_no_format_column_opens_and_searches_the_same()
    {
        using var folder = new TempDirectory("dify-knowledge");
        var embedder = new HashingEmbeddingModel();
        IReadOnlyList<RetrievedChunk> before;
        await using (var k = await KnowledgeHarness.StartAsync(embedder, folder: folder))
        {
            await k.CreateDatasetAsync("ds", HashingEmbeddingModel.ProviderName, HashingEmbeddingModel.ModelName);
            await k.IngestTextAsync("ds", "manual", Manual);
            before = await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "coolant filter hours", 3, SearchMethod.Semantic), default);
        }
        Assert.Equal("Replace the coolant filter every 500 hours.", before[0].Content);

        // Turn the file into what the previous version wrote: float32 blobs and no embeddings.format column.
        await using (var connection = new SqliteConnection($"Data Source={folder.Combine("knowledge.db")};Pooling=false"))
        {
            await connection.OpenAsync();
            var rows = new List<(long Id, byte[] Blob)>();
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT id, vector, format FROM embeddings";
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    Assert.Equal(1, reader.GetInt64(2)); // written as float16
                    var half = MemoryMarshal.Cast<byte, Half>((byte[])reader.GetValue(1));
                    var single = new float[half.Length];
                    for (var i = 0; i < half.Length; i++) single[i] = (float)half[i];
                    rows.Add((reader.GetInt64(0), MemoryMarshal.AsBytes(single.AsSpan()).ToArray()));
                }
            }
            Assert.NotEmpty(rows);
            await using var write = connection.CreateCommand();
            write.CommandText = "UPDATE embeddings SET vector = $v WHERE id = $id";
            var v = write.Parameters.Add("$v", SqliteType.Blob);
            var id = write.Parameters.Add("$id", SqliteType.Integer);
            foreach (var row in rows)
            {
                (v.Value, id.Value) = (row.Blob, row.Id);
                await write.ExecuteNonQueryAsync();
            }
            write.CommandText = "ALTER TABLE embeddings DROP COLUMN format";
            write.Parameters.Clear();
            await write.ExecuteNonQueryAsync();
        }

        await using (var k = await KnowledgeHarness.StartAsync(embedder, folder: folder))
        {
            var after = await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "coolant filter hours", 3, SearchMethod.Semantic), default);
            Assert.Equal(before.Select(h => h.Content), after.Select(h => h.Content));
            for (var i = 0; i < before.Count; i++) Assert.Equal(before[i].Score, after[i].Score, 3);
            // New content next to the old rows is stored as float16 and found.
            await k.IngestTextAsync("ds", "extra", "Lubricate the linear guides monthly.");
            var hit = Assert.Single(await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "lubricate linear guides", 1, SearchMethod.Semantic), default));
            Assert.Equal("Lubricate the linear guides monthly.", hit.Content);
        }
    }

    [Fact]
    public void Int8_dot_products_track_float_cosines()
    {
        var embedder = new HashingEmbeddingModel();
        string[] texts = ["spindle warm up before cutting", "coolant filter replacement interval", "emergency stop test weekly", "probe calibration after tool change"];
        var vectors = texts.Select(embedder.Embed).ToArray();
        foreach (var a in vectors)
        {
            var query = QuantizedVector.Of(a);
            foreach (var b in vectors)
            {
                var row = new sbyte[b.Length];
                var scale = QuantizedVector.Quantize(b, row);
                var approximate = QuantizedVector.Dot(row, query.Components) * scale * query.Scale;
                Assert.Equal(System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b), approximate, 0.01f);
            }
        }
        // Odd lengths take the scalar tail; a zero vector has scale 0.
        var odd = Enumerable.Range(0, 37).Select(i => (float)Math.Sin(i)).ToArray();
        var oddRow = new sbyte[37];
        var oddScale = QuantizedVector.Quantize(odd, oddRow);
        var self = QuantizedVector.Dot(oddRow, QuantizedVector.Of(odd).Components) * oddScale * QuantizedVector.Of(odd).Scale;
        Assert.Equal(1f, self, 0.01f);
        Assert.Equal(0f, QuantizedVector.Quantize(new float[8], new sbyte[8]));
    }
}
