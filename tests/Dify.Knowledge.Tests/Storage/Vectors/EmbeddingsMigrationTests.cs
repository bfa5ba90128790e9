using System.Runtime.InteropServices;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Dify.Knowledge.Storage.Vectors;
using Dify.Testing;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Tests.Storage.Vectors;

/// <summary>
/// Knowledge files written by the current pipeline (embeddings table, float16 rows, plus float32 rows as older
/// versions wrote them) move into vector files with every chunk still pointing at its own vector.
/// </summary>
public sealed class EmbeddingsMigrationTests
{
    private const string Hashing = "embedded/hashing-384";
    private const string Small = "test/small-8";

    private sealed record ChunkVector(long ChunkId, string DatasetId, byte[] Hash, float[] Vector, long Format);

    [Fact]
    public async Task Float32_and_float16_rows_move_to_vector_files_and_chunks_point_at_their_ordinals()
    {
        using var folder = new TempDirectory("dify-vectors");
        var before = await BuildOldKnowledgeFileAsync(folder);
        Assert.Contains(before, c => c.Format == VectorBlob.Float32);
        Assert.Contains(before, c => c.Format == VectorBlob.Float16);

        await using (var db = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None))
        using (var store = new VectorStore(db.Path))
        {
            await using var lease = await db.WriteAsync(CancellationToken.None);
            var rows = await ScalarAsync(lease.Connection, "SELECT COUNT(*) FROM embeddings");
            var result = await EmbeddingsMigration.MigrateAsync(lease.Connection, store, CancellationToken.None);
            Assert.Equal(2, result.Models);
            Assert.Equal(rows, result.Vectors);
            Assert.Equal(before.Count(c => c.DatasetId != "switched"), result.ChunksRepointed);
            Assert.Equal(before.Count(c => c.DatasetId == "switched"), result.ChunksUnlinked);
            Assert.Equal(0, await ScalarAsync(lease.Connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'embeddings'"));
            await AssertChunksReadTheirVectorsAsync(lease.Connection, store, before);
        }

        // Reopening recreates an empty embeddings table (today's schema); migrating again changes nothing.
        await using (var db = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None))
        using (var store = new VectorStore(db.Path))
        {
            await using var lease = await db.WriteAsync(CancellationToken.None);
            Assert.Equal(EmbeddingsMigrationResult.Nothing, await EmbeddingsMigration.MigrateAsync(lease.Connection, store, CancellationToken.None));
            Assert.Equal(EmbeddingsMigrationResult.Nothing, await EmbeddingsMigration.MigrateAsync(lease.Connection, store, CancellationToken.None));
            await AssertChunksReadTheirVectorsAsync(lease.Connection, store, before);
            Assert.Equal(await ScalarAsync(lease.Connection, "SELECT COUNT(DISTINCT content_hash) FROM chunks WHERE dataset_id IN ('hq', 'switched')"),
                (await store.GetAsync(lease.Connection, Hashing, 384, CancellationToken.None)).CommittedCount);
        }
    }

    [Fact]
    public async Task A_failure_before_commit_leaves_the_old_table_chunks_and_file_counts_as_they_were()
    {
        using var folder = new TempDirectory("dify-vectors");
        var before = await BuildOldKnowledgeFileAsync(folder);
        long badRow;
        List<(long, long?)> chunksBefore;
        await using (var db = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None))
        using (var store = new VectorStore(db.Path))
        {
            await using var lease = await db.WriteAsync(CancellationToken.None);
            // The last row of the second model (in migration order) has a format no version wrote: the first model
            // is already appended and staged when the migration meets it.
            badRow = await ScalarAsync(lease.Connection, $"SELECT MAX(id) FROM embeddings WHERE model = '{Small}'");
            await ExecuteAsync(lease.Connection, $"UPDATE embeddings SET format = 7 WHERE id = {badRow}");
            chunksBefore = await ChunkPointersAsync(lease.Connection);
            var rows = await ScalarAsync(lease.Connection, "SELECT COUNT(*) FROM embeddings");

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => EmbeddingsMigration.MigrateAsync(lease.Connection, store, CancellationToken.None));
            Assert.Contains($"row {badRow}", error.Message);
            Assert.Contains("format 7", error.Message);
            Assert.Equal(rows, await ScalarAsync(lease.Connection, "SELECT COUNT(*) FROM embeddings"));
            Assert.Equal(chunksBefore, await ChunkPointersAsync(lease.Connection));
            Assert.Equal(0, await ScalarAsync(lease.Connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'vector_files'"));
            var hashingFile = Path.Combine(store.Folder, VectorFileName.For(Hashing));
            Assert.True(new FileInfo(hashingFile).Length > 64); // appended records are garbage past a count of 0
        }

        await using (var db = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None))
        using (var store = new VectorStore(db.Path))
        {
            await using var lease = await db.WriteAsync(CancellationToken.None);
            Assert.Equal(chunksBefore, await ChunkPointersAsync(lease.Connection));
            await ExecuteAsync(lease.Connection, $"UPDATE embeddings SET format = 1 WHERE id = {badRow}");
            var result = await EmbeddingsMigration.MigrateAsync(lease.Connection, store, CancellationToken.None);
            Assert.Equal(2, result.Models);
            await AssertChunksReadTheirVectorsAsync(lease.Connection, store, before);
        }
    }

    [Fact]
    public async Task Vector_files_that_already_hold_vectors_stop_the_migration_before_anything_changes()
    {
        using var folder = new TempDirectory("dify-vectors");
        await BuildOldKnowledgeFileAsync(folder);
        await using var db = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None);
        using var store = new VectorStore(db.Path);
        await using var lease = await db.WriteAsync(CancellationToken.None);
        var set = await store.GetAsync(lease.Connection, "other/model", 8, CancellationToken.None);
        set.Append(VectorData.Batch(0, 1, 8));
        await set.StageCommitAsync(lease.Connection, CancellationToken.None);
        set.Committed();
        var pointers = await ChunkPointersAsync(lease.Connection);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => EmbeddingsMigration.MigrateAsync(lease.Connection, store, CancellationToken.None));
        Assert.Contains("both an embeddings table", error.Message);
        Assert.Equal(pointers, await ChunkPointersAsync(lease.Connection));
        Assert.True(await ScalarAsync(lease.Connection, "SELECT COUNT(*) FROM embeddings") > 0);
    }

    /// <summary>
    /// Three datasets through the current pipeline API: "hq" (hashing-384, content shared between two documents),
    /// "small" (an 8-dimensional model) and "switched" (its model changed after its chunks were embedded with
    /// hashing-384, so its chunks point at rows of another model). Every third row is rewritten as float32 (format 0).
    /// Returns each embedded chunk with the vector its row holds.
    /// </summary>
    private static async Task<List<ChunkVector>> BuildOldKnowledgeFileAsync(TempDirectory folder)
    {
        await using var db = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None);
        var datasets = new DatasetStore(db);
        await datasets.SaveAsync(new DatasetRecord("hq", "HQ", EmbeddingProvider: "embedded", EmbeddingModel: "hashing-384"), CancellationToken.None);
        await datasets.SaveAsync(new DatasetRecord("small", "Small", EmbeddingProvider: "test", EmbeddingModel: "small-8"), CancellationToken.None);
        await datasets.SaveAsync(new DatasetRecord("switched", "Switched", EmbeddingProvider: "embedded", EmbeddingModel: "hashing-384"), CancellationToken.None);
        var lines = Enumerable.Range(0, 60).Select(i => $"Line {i} of the maintenance manual.").ToList();
        await IngestAsync(db, "hq", "a", Hashing, lines[..40], 384);
        await IngestAsync(db, "hq", "b", Hashing, lines[20..], 384); // 20 lines shared with "a": one vector each
        await IngestAsync(db, "small", "c", Small, lines[..25], 8); // same content, other model: its own rows
        await IngestAsync(db, "switched", "d", Hashing, [.. lines[..5], "Only in the switched dataset."], 384);
        await datasets.SaveAsync(new DatasetRecord("switched", "Switched", EmbeddingProvider: "other", EmbeddingModel: "model"), CancellationToken.None);

        await using var lease = await db.WriteAsync(CancellationToken.None);
        var rows = new List<(long Id, byte[] Blob)>();
        await using (var read = lease.Connection.CreateCommand())
        {
            read.CommandText = "SELECT id, vector FROM embeddings WHERE id % 3 = 0";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var single = VectorBlob.Read((byte[])reader.GetValue(1), VectorBlob.Float16);
                for (var i = 0; i < single.Length; i++) single[i] += 1e-4f * (i % 7); // not float16-exact: the file must round it
                rows.Add((reader.GetInt64(0), MemoryMarshal.AsBytes(single.AsSpan()).ToArray()));
            }
        }
        foreach (var (id, blob) in rows)
        {
            await using var write = lease.Connection.CreateCommand();
            write.CommandText = "UPDATE embeddings SET vector = $v, format = 0 WHERE id = $id";
            write.Parameters.AddWithValue("$v", blob);
            write.Parameters.AddWithValue("$id", id);
            await write.ExecuteNonQueryAsync();
        }

        var result = new List<ChunkVector>();
        await using var all = lease.Connection.CreateCommand();
        all.CommandText = "SELECT c.id, c.dataset_id, c.content_hash, e.vector, e.format FROM chunks c JOIN embeddings e ON e.id = c.embedding_id ORDER BY c.id";
        await using var chunks = await all.ExecuteReaderAsync();
        while (await chunks.ReadAsync())
        {
            var format = chunks.GetInt64(4);
            result.Add(new ChunkVector(chunks.GetInt64(0), chunks.GetString(1), (byte[])chunks.GetValue(2), VectorBlob.Read((byte[])chunks.GetValue(3), format), format));
        }
        Assert.Equal(40 + 40 + 25 + 6, result.Count);
        return result;
    }

    private static async Task IngestAsync(KnowledgeDatabase db, string datasetId, string documentId, string model, IReadOnlyList<string> lines, int dimensions)
    {
        await using var lease = await db.WriteAsync(CancellationToken.None);
        var connection = lease.Connection;
        await connection.InTransactionAsync(async () =>
        {
            await using (var writer = new ChunkRows.Writer(connection, datasetId, documentId))
                for (var i = 0; i < lines.Count; i++) await writer.AddAsync(new ChunkDraft(i + 1, lines[i], []), CancellationToken.None);
            var pending = await ChunkRows.PendingAsync(connection, datasetId, documentId, 0, 1000, CancellationToken.None);
            var vectors = await ChunkRows.VectorsAsync(connection, model, pending.Select(p => p.Hash), CancellationToken.None);
            foreach (var chunk in pending)
                vectors.TryAdd(Convert.ToHexString(chunk.Hash), new StoredVector(0, VectorData.Vector(chunk.Content.GetHashCode(StringComparison.Ordinal), dimensions)));
            await ChunkRows.MarkIndexedAsync(connection, model, vectors, pending, CancellationToken.None);
        }, CancellationToken.None);
    }

    private static async Task AssertChunksReadTheirVectorsAsync(SqliteConnection connection, VectorStore store, List<ChunkVector> expected)
    {
        var sets = new Dictionary<string, VectorSet>
        {
            ["hq"] = await store.GetAsync(connection, Hashing, 384, CancellationToken.None),
            ["small"] = await store.GetAsync(connection, Small, 8, CancellationToken.None),
        };
        var pointers = (await ChunkPointersAsync(connection)).ToDictionary(p => p.Chunk, p => p.Embedding);
        var hash = new byte[32];
        foreach (var chunk in expected)
        {
            var ordinal = pointers[chunk.ChunkId];
            if (chunk.DatasetId == "switched")
            {
                Assert.Null(ordinal);
                continue;
            }
            Assert.NotNull(ordinal);
            var set = sets[chunk.DatasetId];
            set.ReadHash(ordinal.Value, hash);
            Assert.Equal(chunk.Hash, hash);
            var read = new float[set.Dimensions];
            set.Read(ordinal.Value, read);
            if (chunk.Format == VectorBlob.Float16) Assert.Equal(chunk.Vector, read); // float16 in, float16 stored: exact
            else VectorData.AssertClose(chunk.Vector, read);
        }
    }

    private static async Task<List<(long Chunk, long? Embedding)>> ChunkPointersAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, embedding_id FROM chunks ORDER BY id";
        var result = new List<(long, long?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)));
        return result;
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
