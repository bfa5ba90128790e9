using System.Runtime.InteropServices;
using Dify.Knowledge.Embedding;
using Dify.Knowledge.Index;
using Dify.Knowledge.Storage;
using Dify.Testing;
using Dify.Workflows.Knowledge;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Tests.Index;

/// <summary>Compact vector storage: float16 vector files on disk, int8 in the search view, and knowledge files from before both.</summary>
public sealed class VectorStorageTests
{
    private const string Manual = "Tighten the M8 bolts to 25 newton metres.\nReplace the coolant filter every 500 hours.\n"
                                  + "The spindle warms up for ten minutes before cutting.\nCalibrate the probe after every tool change.\n"
                                  + "Emergency stop buttons must be tested weekly.";

    /// <summary>The schema the releases before vector files wrote (embeddings table, FTS5 index), without the format column.</summary>
    private const string OldSchema = """
        CREATE TABLE datasets(id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, indexing_technique TEXT NOT NULL,
            embedding_provider TEXT, embedding_model TEXT, retrieval_json TEXT, created_at INTEGER NOT NULL);
        CREATE TABLE documents(dataset_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, error TEXT,
            rule_json TEXT, source_hash TEXT, metadata_json TEXT, enabled INTEGER NOT NULL DEFAULT 1,
            total_segments INTEGER NOT NULL DEFAULT 0, completed_segments INTEGER NOT NULL DEFAULT 0,
            word_count INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, processing_started_at INTEGER,
            parsing_completed_at INTEGER, cleaning_completed_at INTEGER, splitting_completed_at INTEGER,
            completed_at INTEGER, updated_at INTEGER NOT NULL, PRIMARY KEY(dataset_id, id));
        CREATE TABLE chunks(id INTEGER PRIMARY KEY, dataset_id TEXT NOT NULL, document_id TEXT NOT NULL, segment_id TEXT NOT NULL,
            position INTEGER NOT NULL, child_position INTEGER NOT NULL DEFAULT 0, parent_id INTEGER, kind INTEGER NOT NULL,
            content TEXT NOT NULL, content_hash BLOB NOT NULL, indexed INTEGER NOT NULL DEFAULT 0,
            enabled INTEGER NOT NULL DEFAULT 1, metadata_json TEXT, embedding_id INTEGER);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(content, content='chunks', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
        CREATE TABLE embeddings(id INTEGER PRIMARY KEY, model TEXT NOT NULL, content_hash BLOB NOT NULL, vector BLOB NOT NULL);
        CREATE UNIQUE INDEX embeddings_by_content ON embeddings(model, content_hash);
        CREATE TABLE attributes(dataset_id TEXT NOT NULL, document_id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY(dataset_id, document_id));
        INSERT INTO datasets VALUES('ds', 'ds', NULL, 'high_quality', 'embedded', 'hashing-384', NULL, 0);
        INSERT INTO documents(dataset_id, id, name, status, total_segments, completed_segments, created_at, completed_at, updated_at)
            VALUES('ds', 'manual', 'manual.txt', 'completed', 5, 5, 0, 0, 0);
        """;

    [Fact]
    public async Task A_knowledge_file_of_the_releases_before_vector_files_opens_and_searches_the_same()
    {
        using var folder = new TempDirectory("dify-knowledge");
        var embedder = new HashingEmbeddingModel();
        var lines = Manual.Split('\n');
        // Write the file as the previous releases did: float32 vector blobs (ids not in chunk order), an FTS5 index.
        await using (var connection = new SqliteConnection($"Data Source={folder.Combine("knowledge.db")};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = OldSchema;
            await command.ExecuteNonQueryAsync();
            for (var i = 0; i < lines.Length; i++)
            {
                var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(lines[i]));
                command.CommandText = """
                    INSERT INTO embeddings(id, model, content_hash, vector) VALUES($vid, 'embedded/hashing-384', $hash, $vector);
                    INSERT INTO chunks(id, dataset_id, document_id, segment_id, position, kind, content, content_hash, indexed, embedding_id)
                        VALUES($cid, 'ds', 'manual', $segment, $position, 0, $content, $hash, 1, $vid);
                    INSERT INTO chunks_fts(rowid, content) VALUES($cid, $content);
                    """;
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$vid", 100 - i);
                command.Parameters.AddWithValue("$cid", i + 1);
                command.Parameters.AddWithValue("$hash", hash);
                command.Parameters.AddWithValue("$vector", MemoryMarshal.AsBytes(embedder.Embed(lines[i]).AsSpan()).ToArray());
                command.Parameters.AddWithValue("$segment", $"manual:{i + 1}");
                command.Parameters.AddWithValue("$position", i + 1);
                command.Parameters.AddWithValue("$content", lines[i]);
                await command.ExecuteNonQueryAsync();
            }
        }

        await using (var k = await KnowledgeHarness.StartAsync(embedder, folder: folder))
        {
            var query = "coolant filter hours";
            var found = await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], query, 5, SearchMethod.Semantic), default);
            // Same ranking and scores as exact cosines of the original float32 vectors (float16 now: 1e-3).
            var q = embedder.Embed(query);
            var expected = lines.Select(l => (Line: l, Score: System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(embedder.Embed(l), q)))
                .Where(e => e.Score > 0).OrderByDescending(e => e.Score).ToList();
            Assert.Equal(expected.Select(e => e.Line), found.Select(h => h.Content));
            for (var i = 0; i < found.Count; i++) Assert.Equal(expected[i].Score, found[i].Score, 3);
            // The FTS5 table is gone; full-text search runs on the in-memory index built from the same rows.
            var keyword = await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "emergency buttons", 1, SearchMethod.FullText), default);
            Assert.Equal("Emergency stop buttons must be tested weekly.", Assert.Single(keyword).Content);

            // New content next to the old rows goes to the vector file and is found; old content is not embedded again.
            await k.IngestTextAsync("ds", "extra", "Lubricate the linear guides monthly.\nReplace the coolant filter every 500 hours.");
            var hit = Assert.Single(await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "lubricate linear guides", 1, SearchMethod.Semantic), default));
            Assert.Equal("Lubricate the linear guides monthly.", hit.Content);
        }
        await using (var check = new SqliteConnection($"Data Source={folder.Combine("knowledge.db")};Pooling=false"))
        {
            await check.OpenAsync();
            await using var command = check.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('embeddings', 'chunks_fts')";
            Assert.Equal(0L, await command.ExecuteScalarAsync());
            command.CommandText = "SELECT count FROM vector_files WHERE model = 'embedded/hashing-384'";
            Assert.Equal(6L, await command.ExecuteScalarAsync()); // the five old vectors and one new
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
