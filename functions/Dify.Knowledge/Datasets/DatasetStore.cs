using Dify.Knowledge.Storage;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Datasets;

/// <summary>Dataset records in the knowledge file.</summary>
public sealed class DatasetStore(KnowledgeDatabase database)
{
    /// <summary>Creates the dataset or replaces its settings (documents are kept).</summary>
    public async Task SaveAsync(DatasetRecord dataset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        await using var lease = await database.WriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = """
            INSERT INTO datasets(id, name, description, indexing_technique, embedding_provider, embedding_model, retrieval_json, created_at)
            VALUES($id, $name, $description, $technique, $provider, $model, $retrieval, $now)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description,
                indexing_technique = excluded.indexing_technique, embedding_provider = excluded.embedding_provider,
                embedding_model = excluded.embedding_model, retrieval_json = excluded.retrieval_json
            """;
        command.Parameters.AddWithValue("$id", dataset.Id);
        command.Parameters.AddWithValue("$name", dataset.Name);
        command.Parameters.AddWithValue("$description", (object?)dataset.Description ?? DBNull.Value);
        command.Parameters.AddWithValue("$technique", DatasetRecord.ToDify(dataset.IndexingTechnique));
        command.Parameters.AddWithValue("$provider", dataset.EmbeddingProvider);
        command.Parameters.AddWithValue("$model", dataset.EmbeddingModel);
        command.Parameters.AddWithValue("$retrieval", RetrievalJson.Write(dataset.RetrievalSettings));
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<DatasetRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var found = await QueryAsync("WHERE id = $id", id, cancellationToken).ConfigureAwait(false);
        return found.FirstOrDefault();
    }

    public Task<IReadOnlyList<DatasetRecord>> ListAsync(CancellationToken cancellationToken) => QueryAsync("ORDER BY created_at, id", null, cancellationToken);

    private async Task<IReadOnlyList<DatasetRecord>> QueryAsync(string where, string? id, CancellationToken cancellationToken)
    {
        await using var lease = await database.ReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT id, name, description, indexing_technique, embedding_provider, embedding_model, retrieval_json FROM datasets {where}";
        if (id is not null) command.Parameters.AddWithValue("$id", id);
        var result = new List<DatasetRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DatasetRecord(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                DatasetRecord.ParseTechnique(reader.GetString(3)), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : RetrievalJson.Read(reader.GetString(6))));
        }
        return result;
    }
}
