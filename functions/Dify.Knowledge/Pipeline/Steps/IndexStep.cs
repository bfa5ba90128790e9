using Dify.Knowledge.Index;
using Dify.Knowledge.Storage;
using Dify.Models.Embeddings;
using Microsoft.Extensions.Logging;

namespace Dify.Knowledge.Pipeline.Steps;

/// <summary>
/// indexing: takes the pending chunks a batch at a time, embeds only content with no stored vector for the dataset's
/// model (so nothing is embedded twice, across documents and across restarts), then in one transaction stores the
/// vectors, adds the chunks to the full-text index, marks them indexed and saves progress. Economy datasets skip embedding.
/// </summary>
internal sealed class IndexStep(KnowledgeDatabase database, SqliteKnowledgeIndex index, IEmbeddingModel embeddings, IngestionOptions options, ILogger logger) : IIngestionStep
{
    private readonly EmbeddingBatcher _batcher = new(embeddings, options, logger);

    public DocumentStatus Status => DocumentStatus.Indexing;
    public string? CompletedColumn => null;

    public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var dataset = context.Dataset;
        while (true)
        {
            List<PendingChunk> pending;
            Dictionary<string, float[]> vectors = [];
            await using (var read = await database.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                pending = await ChunkRows.PendingAsync(read.Connection, dataset.Id, context.DocumentId, options.IndexBatchSize, cancellationToken).ConfigureAwait(false);
                if (pending.Count == 0) return;
                if (dataset.HasVectors)
                    vectors = await ChunkRows.VectorsAsync(read.Connection, dataset.EmbeddingKey, pending.Select(p => p.Hash).DistinctBy(Convert.ToHexString), cancellationToken).ConfigureAwait(false);
            }

            var fresh = new Dictionary<string, (byte[] Hash, float[] Vector)>(StringComparer.Ordinal);
            if (dataset.HasVectors)
            {
                var missing = pending.DistinctBy(p => Convert.ToHexString(p.Hash)).Where(p => !vectors.ContainsKey(Convert.ToHexString(p.Hash))).ToList();
                if (missing.Count > 0)
                {
                    var embedded = await _batcher.EmbedAsync(dataset.EmbeddingProvider, dataset.EmbeddingModel, missing.Select(p => p.Content).ToList(), cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < missing.Count; i++)
                    {
                        var key = Convert.ToHexString(missing[i].Hash);
                        fresh[key] = (missing[i].Hash, embedded[i]);
                        vectors[key] = embedded[i];
                    }
                }
            }

            await using var write = await database.WriteAsync(cancellationToken).ConfigureAwait(false);
            await write.Connection.InTransactionAsync(async () =>
            {
                await ChunkRows.MarkIndexedAsync(write.Connection, dataset.EmbeddingKey, fresh, pending, cancellationToken).ConfigureAwait(false);
                // Chunks are indexed in order, so every segment before the last one seen is complete.
                await DocumentStore.SetProgressAsync(write.Connection, dataset.Id, context.DocumentId, pending[^1].Position - 1, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            index.ApplyIndexed(dataset.Id, context.DocumentId,
                pending.Select(p => (p.Id, p.ParentId, dataset.HasVectors ? vectors.GetValueOrDefault(Convert.ToHexString(p.Hash)) : null)));
        }
    }
}
