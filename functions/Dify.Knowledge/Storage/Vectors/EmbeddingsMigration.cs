using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Storage.Vectors;

/// <summary>What <see cref="EmbeddingsMigration.MigrateAsync"/> did.</summary>
/// <param name="Models">Embedding models whose rows moved to a vector file.</param>
/// <param name="Vectors">Rows of the embeddings table moved.</param>
/// <param name="Deduplicated">Rows whose content was already in the model's file (mapped to that record, not appended).</param>
/// <param name="ChunksRepointed">Chunks whose embedding_id now holds an ordinal in their dataset's model file.</param>
/// <param name="ChunksUnlinked">Chunks whose embedding_id was set to NULL: it named no row, or a row of another model
/// than their dataset's (its ordinal would mean nothing in the dataset's file).</param>
internal sealed record EmbeddingsMigrationResult(int Models, long Vectors, long Deduplicated, long ChunksRepointed, long ChunksUnlinked)
{
    public static readonly EmbeddingsMigrationResult Nothing = new(0, 0, 0, 0, 0);
}

/// <summary>
/// Moves the rows of the old <c>embeddings</c> table into per-model vector files, points chunks.embedding_id at the
/// new ordinals and drops the table, in ONE transaction: a crash or error before COMMIT leaves the table, the chunks
/// and every file's committed count as they were (records appended meanwhile are past the count, hence garbage).
/// Idempotent: without an embeddings table it does nothing. Run it when the knowledge file opens, before anything
/// writes vectors to the files (until it ran, chunks.embedding_id still holds embeddings row ids).
/// </summary>
internal static class EmbeddingsMigration
{
    private const int BatchSize = 1024;

    public static async Task<EmbeddingsMigrationResult> MigrateAsync(SqliteConnection connection, VectorStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(store);
        if (!await HasTableAsync(connection, "embeddings", cancellationToken).ConfigureAwait(false)) return EmbeddingsMigrationResult.Nothing;
        var touched = new List<VectorSet>();
        var result = EmbeddingsMigrationResult.Nothing;
        try
        {
            await connection.InTransactionAsync(async () => result = await MoveAsync(connection, store, touched, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            foreach (var set in touched) set.RolledBack();
            throw;
        }
        foreach (var set in touched) set.Committed();
        return result;
    }

    private static async Task<EmbeddingsMigrationResult> MoveAsync(SqliteConnection connection, VectorStore store, List<VectorSet> touched, CancellationToken ct)
    {
        await ExecuteAsync(connection, """
            CREATE TEMP TABLE IF NOT EXISTS vector_migration(old INTEGER PRIMARY KEY, model TEXT NOT NULL, ordinal INTEGER NOT NULL);
            DELETE FROM temp.vector_migration;
            """, ct).ConfigureAwait(false);
        var models = await ModelsAsync(connection, ct).ConfigureAwait(false);
        if (models.Count == 0)
        {
            // Empty (a schema that still creates the table re-made it after a migration): chunks already hold ordinals.
            await ExecuteAsync(connection, "DROP TABLE embeddings; DROP TABLE temp.vector_migration;", ct).ConfigureAwait(false);
            return EmbeddingsMigrationResult.Nothing;
        }
        var committedInFiles = await CommittedInFilesAsync(connection, ct).ConfigureAwait(false);
        if (committedInFiles > 0)
            throw new InvalidOperationException(
                $"The knowledge file has both an embeddings table and {committedInFiles} vectors committed to vector files: chunks.embedding_id "
                + "could mean either, so the embeddings table is left as it is. Migrate before anything writes vectors to the files.");
        var hasFormat = await HasColumnAsync(connection, "embeddings", "format", ct).ConfigureAwait(false);
        long vectors = 0, deduplicated = 0;
        foreach (var model in models)
        {
            var dimensions = await FirstDimensionsAsync(connection, model, hasFormat, ct).ConfigureAwait(false);
            var set = await store.GetAsync(connection, model, dimensions, ct).ConfigureAwait(false);
            touched.Add(set);
            var (moved, reused) = await MoveModelAsync(connection, set, hasFormat, ct).ConfigureAwait(false);
            await set.StageCommitAsync(connection, ct).ConfigureAwait(false);
            vectors += moved;
            deduplicated += reused;
        }
        var linked = await CountLinkedChunksAsync(connection, ct).ConfigureAwait(false);
        // One statement over the whole map: per-id UPDATEs would chain (old id 5 → ordinal 3, then old id 3 → ...).
        await ExecuteAsync(connection, """
            UPDATE chunks SET embedding_id = (
                SELECT m.ordinal FROM temp.vector_migration m JOIN datasets d ON d.id = chunks.dataset_id
                WHERE m.old = chunks.embedding_id AND m.model = d.embedding_provider || '/' || d.embedding_model)
            WHERE embedding_id IS NOT NULL;
            DROP TABLE embeddings;
            DROP TABLE temp.vector_migration;
            """, ct).ConfigureAwait(false);
        var repointed = await CountLinkedChunksAsync(connection, ct).ConfigureAwait(false);
        return new EmbeddingsMigrationResult(touched.Count, vectors, deduplicated, repointed, linked - repointed);
    }

    /// <summary>Appends one model's rows in id order (batches of 1024), recording old id → ordinal.</summary>
    private static async Task<(long Moved, long Reused)> MoveModelAsync(SqliteConnection connection, VectorSet set, bool hasFormat, CancellationToken ct)
    {
        await using var map = connection.CreateCommand();
        map.CommandText = "INSERT INTO temp.vector_migration(old, model, ordinal) VALUES($old, $model, $ordinal)";
        map.Parameters.AddWithValue("$model", set.ModelKey);
        var oldId = map.Parameters.Add("$old", SqliteType.Integer);
        var ordinal = map.Parameters.Add("$ordinal", SqliteType.Integer);
        async Task MapAsync(long id, long to)
        {
            (oldId.Value, ordinal.Value) = (id, to);
            await map.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var batch = new List<(byte[] Hash, float[] Vector)>(BatchSize);
        var batchIds = new List<long>(BatchSize);
        async Task FlushAsync()
        {
            var ordinals = set.Append(batch);
            for (var i = 0; i < ordinals.Length; i++) await MapAsync(batchIds[i], ordinals[i]).ConfigureAwait(false);
            batch.Clear();
            batchIds.Clear();
        }

        long moved = 0, reused = 0;
        await using var rows = connection.CreateCommand();
        rows.CommandText = $"SELECT id, content_hash, vector, {(hasFormat ? "format" : "0")} FROM embeddings WHERE model = $model ORDER BY id";
        rows.Parameters.AddWithValue("$model", set.ModelKey);
        await using (var reader = await rows.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var id = reader.GetInt64(0);
                var hash = (byte[])reader.GetValue(1);
                var vector = Decode(id, set.ModelKey, (byte[])reader.GetValue(2), reader.GetInt64(3));
                if (hash.Length != VectorFileHeader.HashBytes)
                    throw new InvalidDataException($"embeddings row {id} (model '{set.ModelKey}') has a {hash.Length}-byte content hash; expected {VectorFileHeader.HashBytes}.");
                if (vector.Length != set.Dimensions)
                    throw new InvalidDataException($"embeddings row {id} (model '{set.ModelKey}') has {vector.Length} dimensions; the model's other vectors have {set.Dimensions}.");
                moved++;
                if (set.TryFind(hash, out var existing))
                {
                    reused++;
                    await MapAsync(id, existing).ConfigureAwait(false);
                    continue;
                }
                batch.Add((hash, vector));
                batchIds.Add(id);
                if (batch.Count == BatchSize) await FlushAsync().ConfigureAwait(false);
            }
        }
        if (batch.Count > 0) await FlushAsync().ConfigureAwait(false);
        return (moved, reused);
    }

    private static float[] Decode(long id, string model, byte[] blob, long format)
    {
        var elementBytes = format switch
        {
            VectorBlob.Float32 => sizeof(float),
            VectorBlob.Float16 => sizeof(ushort),
            _ => throw new InvalidDataException($"embeddings row {id} (model '{model}') has unknown vector format {format}; known: 0 (float32), 1 (float16)."),
        };
        if (blob.Length == 0 || blob.Length % elementBytes != 0)
            throw new InvalidDataException($"embeddings row {id} (model '{model}') has a {blob.Length}-byte vector, not a whole number of format-{format} elements.");
        return VectorBlob.Read(blob, format);
    }

    private static async Task<int> FirstDimensionsAsync(SqliteConnection connection, string model, bool hasFormat, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, vector, {(hasFormat ? "format" : "0")} FROM embeddings WHERE model = $model ORDER BY id LIMIT 1";
        command.Parameters.AddWithValue("$model", model);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return Decode(reader.GetInt64(0), model, (byte[])reader.GetValue(1), reader.GetInt64(2)).Length;
    }

    private static async Task<List<string>> ModelsAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT model FROM embeddings ORDER BY model";
        var models = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) models.Add(reader.GetString(0));
        return models;
    }

    private static async Task<long> CommittedInFilesAsync(SqliteConnection connection, CancellationToken ct)
    {
        if (!await HasTableAsync(connection, "vector_files", ct).ConfigureAwait(false)) return 0;
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(count), 0) FROM vector_files";
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task<long> CountLinkedChunksAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM chunks WHERE embedding_id IS NOT NULL";
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task<bool> HasTableAsync(SqliteConnection connection, string table, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $table";
        command.Parameters.AddWithValue("$table", table);
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0;
    }

    private static async Task<bool> HasColumnAsync(SqliteConnection connection, string table, string column, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column";
        command.Parameters.AddWithValue("$table", table);
        command.Parameters.AddWithValue("$column", column);
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
