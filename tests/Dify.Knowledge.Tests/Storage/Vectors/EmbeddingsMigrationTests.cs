using System.Runtime.InteropServices;
using Dify.Knowledge.Pipeline;
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

        await using (var connection = await OpenRawAsync(folder))
        using (var store = new VectorStore(folder.Combine("knowledge.db")))
        {
            var rows = await ScalarAsync(connection, "SELECT COUNT(*) FROM embeddings");
            var result = await EmbeddingsMigration.MigrateAsync(connection, store, CancellationToken.None);
            Assert.Equal(2, result.Models);
            Assert.Equal(rows, result.Vectors);
            Assert.Equal(0, result.Deduplicated);
            Assert.Equal(before.Count(c => c.DatasetId != "switched"), result.ChunksRepointed);
            Assert.Equal(before.Count(c => c.DatasetId == "switched"), result.ChunksUnlinked);
            Assert.Equal(0, await ScalarAsync(connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'embeddings'"));
            await AssertChunksReadTheirVectorsAsync(connection, store, before);
            Assert.Equal(EmbeddingsMigrationResult.Nothing, await EmbeddingsMigration.MigrateAsync(connection, store, CancellationToken.None));
        }

        // Opening through KnowledgeDatabase (which migrates on open) changes nothing more.
        await using (var db = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None))
        {
            await using var lease = await db.WriteAsync(CancellationToken.None);
            await AssertChunksReadTheirVectorsAsync(lease.Connection, db.Vectors, before);
            Assert.Equal(await ScalarAsync(lease.Connection, "SELECT COUNT(DISTINCT content_hash) FROM chunks WHERE dataset_id IN ('hq', 'switched')"),
                (await db.Vectors.GetAsync(lease.Connection, Hashing, 384, CancellationToken.None)).CommittedCount);
        }
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_failure_before_commit_leaves_the_old_table_chunks_and_file_counts_as_they_were()
    {
        using var folder = new TempDirectory("dify-vectors");
        var before = await BuildOldKnowledgeFileAsync(folder);
        long badRow;
        List<(long, long?)> chunksBefore;
        await using (var connection = await OpenRawAsync(folder))
        using (var store = new VectorStore(folder.Combine("knowledge.db")))
        {
            // The last row of the second model (in migration order) has a format no version wrote: the first model
            // is already appended and staged when the migration meets it.
            badRow = await ScalarAsync(connection, $"SELECT MAX(id) FROM embeddings WHERE model = '{Small}'");
            var format = await ScalarAsync(connection, $"SELECT format FROM embeddings WHERE id = {badRow}");
            await ExecuteAsync(connection, $"UPDATE embeddings SET format = 7 WHERE id = {badRow}");
            chunksBefore = await ChunkPointersAsync(connection);
            var rows = await ScalarAsync(connection, "SELECT COUNT(*) FROM embeddings");

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => EmbeddingsMigration.MigrateAsync(connection, store, CancellationToken.None));
            Assert.Contains($"row {badRow}", error.Message);
            Assert.Contains("format 7", error.Message);
            Assert.Equal(rows, await ScalarAsync(connection, "SELECT COUNT(*) FROM embeddings"));
            Assert.Equal(chunksBefore, await ChunkPointersAsync(connection));
            Assert.Equal(0, await ScalarAsync(connection, "SELECT COALESCE(SUM(count), 0) FROM vector_files"));
            var hashingFile = Path.Combine(store.Folder, VectorFileName.For(Hashing));
            Assert.True(new FileInfo(hashingFile).Length > 64); // appended records are garbage past a count of 0

            // Opening the knowledge file runs the migration and reports the same row instead of opening half-migrated.
            var onOpen = await Assert.ThrowsAsync<InvalidDataException>(() => KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None));
            Assert.Contains($"row {badRow}", onOpen.Message);
            Assert.Equal(chunksBefore, await ChunkPointersAsync(connection));
            await ExecuteAsync(connection, $"UPDATE embeddings SET format = {format} WHERE id = {badRow}");
        }
        SqliteConnection.ClearAllPools();

        // Repaired, the next open migrates (a fresh process: the files' garbage tails are overwritten).
        await using (var db = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None))
        {
            await using var lease = await db.WriteAsync(CancellationToken.None);
            Assert.Equal(0, await ScalarAsync(lease.Connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'embeddings'"));
            await AssertChunksReadTheirVectorsAsync(lease.Connection, db.Vectors, before);
        }
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Vector_files_that_already_hold_vectors_stop_the_migration_before_anything_changes()
    {
        using var folder = new TempDirectory("dify-vectors");
        await BuildOldKnowledgeFileAsync(folder);
        await using var connection = await OpenRawAsync(folder);
        using var store = new VectorStore(folder.Combine("knowledge.db"));
        var set = await store.GetAsync(connection, "other/model", 8, CancellationToken.None);
        await connection.InVectorTransactionAsync(set, () =>
        {
            set.Append(VectorData.Batch(0, 1, 8));
            return Task.CompletedTask;
        }, CancellationToken.None);
        var pointers = await ChunkPointersAsync(connection);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => EmbeddingsMigration.MigrateAsync(connection, store, CancellationToken.None));
        Assert.Contains("both an embeddings table", error.Message);
        Assert.Equal(pointers, await ChunkPointersAsync(connection));
        Assert.True(await ScalarAsync(connection, "SELECT COUNT(*) FROM embeddings") > 0);
    }

    /// <summary>
    /// A knowledge file as the releases before vector files wrote it (today's tables plus the embeddings table with its
    /// format column): "hq" (hashing-384, content shared between two documents), "small" (an 8-dimensional model) and
    /// "switched" (its model changed after its chunks were embedded with hashing-384, so they point at rows of
    /// another model). Rows of both models are interleaved in shuffled id order, so old ids and new ordinals overlap
    /// (a per-id UPDATE would chain); every third row is float32 (format 0), the rest float16. Returns each embedded
    /// chunk with the vector its row holds.
    /// </summary>
    private static async Task<List<ChunkVector>> BuildOldKnowledgeFileAsync(TempDirectory folder)
    {
        await using var connection = await OpenRawAsync(folder);
        await ExecuteAsync(connection, KnowledgeSchema.Sql + """
            CREATE TABLE embeddings(id INTEGER PRIMARY KEY, model TEXT NOT NULL, content_hash BLOB NOT NULL, vector BLOB NOT NULL,
                format INTEGER NOT NULL DEFAULT 0);
            CREATE UNIQUE INDEX embeddings_by_content ON embeddings(model, content_hash);
            INSERT INTO datasets VALUES('hq', 'HQ', NULL, 'high_quality', 'embedded', 'hashing-384', NULL, 0);
            INSERT INTO datasets VALUES('small', 'Small', NULL, 'high_quality', 'test', 'small-8', NULL, 0);
            INSERT INTO datasets VALUES('switched', 'Switched', NULL, 'high_quality', 'other', 'model', NULL, 0);
            """);
        var lines = Enumerable.Range(0, 60).Select(i => $"Line {i} of the maintenance manual.").ToList();
        var documents = new (string Dataset, string Document, string Model, int Dimensions, List<string> Lines)[]
        {
            ("hq", "a", Hashing, 384, lines[..40]),
            ("hq", "b", Hashing, 384, lines[20..]), // 20 lines shared with "a": one vector each
            ("small", "c", Small, 8, lines[..25]), // same content, other model: its own rows
            ("switched", "d", Hashing, 384, [.. lines[..5], "Only in the switched dataset."]),
        };
        var vectors = documents.SelectMany(d => d.Lines.Select(line => (d.Model, d.Dimensions, Line: line))).Distinct()
            .OrderBy(v => v.Line.GetHashCode(StringComparison.Ordinal) ^ v.Model.Length).ToList();
        var rowOf = new Dictionary<(string, string), (long Id, float[] Vector, long Format)>();
        for (var i = 0; i < vectors.Count; i++)
        {
            var (model, dimensions, line) = vectors[i];
            var id = i + 1L;
            var original = VectorData.Vector(line.GetHashCode(StringComparison.Ordinal) ^ dimensions, dimensions);
            var format = id % 3 == 0 ? VectorBlob.Float32 : VectorBlob.Float16;
            // Not float16-exact in float32 rows: the vector file must round them.
            var blob = format == VectorBlob.Float32 ? MemoryMarshal.AsBytes(original.AsSpan()).ToArray() : VectorBlob.Write(original);
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO embeddings(id, model, content_hash, vector, format) VALUES($id, $model, $hash, $vector, $format)";
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$model", model);
            insert.Parameters.AddWithValue("$hash", ChunkRows.Hash(line));
            insert.Parameters.AddWithValue("$vector", blob);
            insert.Parameters.AddWithValue("$format", format);
            await insert.ExecuteNonQueryAsync();
            rowOf[(model, line)] = (id, VectorBlob.Read(blob, format), format);
        }

        var result = new List<ChunkVector>();
        var chunkId = 0L;
        foreach (var (dataset, document, model, _, documentLines) in documents)
        {
            for (var i = 0; i < documentLines.Count; i++)
            {
                var (id, vector, format) = rowOf[(model, documentLines[i])];
                await using var insert = connection.CreateCommand();
                insert.CommandText = """
                    INSERT INTO chunks(id, dataset_id, document_id, segment_id, position, kind, content, content_hash, indexed, embedding_id)
                    VALUES($id, $dataset, $document, $segment, $position, 0, $content, $hash, 1, $embedding)
                    """;
                insert.Parameters.AddWithValue("$id", ++chunkId);
                insert.Parameters.AddWithValue("$dataset", dataset);
                insert.Parameters.AddWithValue("$document", document);
                insert.Parameters.AddWithValue("$segment", $"{document}:{i + 1}");
                insert.Parameters.AddWithValue("$position", i + 1);
                insert.Parameters.AddWithValue("$content", documentLines[i]);
                insert.Parameters.AddWithValue("$hash", ChunkRows.Hash(documentLines[i]));
                insert.Parameters.AddWithValue("$embedding", id);
                await insert.ExecuteNonQueryAsync();
                result.Add(new ChunkVector(chunkId, dataset, ChunkRows.Hash(documentLines[i]), vector, format));
            }
        }
        Assert.Equal(40 + 40 + 25 + 6, result.Count);
        return result;
    }

    private static async Task<SqliteConnection> OpenRawAsync(TempDirectory folder)
    {
        var connection = new SqliteConnection($"Data Source={folder.Combine("knowledge.db")};Pooling=false");
        await connection.OpenAsync();
        return connection;
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
