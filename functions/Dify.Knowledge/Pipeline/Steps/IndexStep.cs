using Dify.Knowledge.Index;
using Dify.Knowledge.Storage;
using Dify.Models.Embeddings;
using Microsoft.Extensions.Logging;

namespace Dify.Knowledge.Pipeline.Steps;

/// <summary>
/// indexing: takes the pending chunks a batch at a time, embeds only content with no stored vector for the dataset's
/// model (so nothing is embedded twice, across documents and across restarts), then in one transaction stores the
/// vectors, adds the chunks to the full-text index, marks them indexed and saves progress. The next batch is read and
/// embedded while the current one is written (CPU and I/O overlap). A batch whose vectors were paid for is always
/// saved, even when cancelled; cancellation stops before the next. Economy datasets skip embedding.
/// </summary>
internal sealed class IndexStep(KnowledgeDatabase database, SqliteKnowledgeIndex index, IEmbeddingModel embeddings, IngestionOptions options, ILogger logger) : IIngestionStep
{
    private readonly EmbeddingBatcher _batcher = new(embeddings, options, logger);

    public DocumentStatus Status => DocumentStatus.Indexing;
    public string? CompletedColumn => null;

    public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var next = PrepareAsync(context, after: 0, known: [], cancellationToken);
        while (true)
        {
            var (pending, vectors) = await next.ConfigureAwait(false);
            if (pending.Count == 0) return;
            next = PrepareAsync(context, pending[^1].Id, vectors, cancellationToken);
            try
            {
                await WriteAsync(context, pending, vectors).ConfigureAwait(false);
            }
            catch
            {
                await next.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false); // leave nothing running
                throw;
            }
        }
    }

    /// <summary>The next batch after chunk <paramref name="after"/>, with a vector for every distinct content.</summary>
    private async Task<(List<PendingChunk>, Dictionary<string, StoredVector>)> PrepareAsync(
        IngestionContext context, long after, Dictionary<string, StoredVector> known, CancellationToken ct)
    {
        var dataset = context.Dataset;
        List<PendingChunk> pending;
        Dictionary<string, StoredVector> vectors = [];
        await using (var read = await database.ReadAsync(ct).ConfigureAwait(false))
        {
            pending = await ChunkRows.PendingAsync(read.Connection, dataset.Id, context.DocumentId, after, options.IndexBatchSize, ct).ConfigureAwait(false);
            if (pending.Count == 0 || !dataset.HasVectors) return (pending, vectors);
            // The previous batch may not be committed yet: its vectors count as stored.
            var lookup = pending.Select(p => p.Hash).DistinctBy(Convert.ToHexString).Where(h => !known.ContainsKey(Convert.ToHexString(h)));
            vectors = await ChunkRows.VectorsAsync(read.Connection, dataset.EmbeddingKey, lookup, ct).ConfigureAwait(false);
        }
        foreach (var p in pending)
        {
            var key = Convert.ToHexString(p.Hash);
            if (!vectors.ContainsKey(key) && known.TryGetValue(key, out var previous)) vectors[key] = previous;
        }

        var missing = pending.DistinctBy(p => Convert.ToHexString(p.Hash)).Where(p => !vectors.ContainsKey(Convert.ToHexString(p.Hash))).ToList();
        if (missing.Count > 0)
        {
            var embedded = await _batcher.EmbedAsync(dataset.EmbeddingProvider, dataset.EmbeddingModel, missing.Select(p => p.Content).ToList(), ct).ConfigureAwait(false);
            for (var i = 0; i < missing.Count; i++) vectors[Convert.ToHexString(missing[i].Hash)] = new StoredVector(0, embedded[i]);
        }
        return (pending, vectors);
    }

    private async Task WriteAsync(IngestionContext context, List<PendingChunk> pending, Dictionary<string, StoredVector> vectors)
    {
        var dataset = context.Dataset;
        var ct = CancellationToken.None; // see the class summary: paid-for vectors are kept
        await using var write = await database.WriteAsync(ct).ConfigureAwait(false);
        await write.Connection.InTransactionAsync(async () =>
        {
            await ChunkRows.MarkIndexedAsync(write.Connection, dataset.EmbeddingKey, vectors, pending, ct).ConfigureAwait(false);
            // Chunks are indexed in order, so every segment before the last one seen is complete.
            await DocumentStore.SetProgressAsync(write.Connection, dataset.Id, context.DocumentId, pending[^1].Position - 1, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        index.ApplyIndexed(dataset.Id, context.DocumentId,
            pending.Select(p => (p.Id, p.ParentId, dataset.HasVectors ? vectors.GetValueOrDefault(Convert.ToHexString(p.Hash))?.Vector : null)));
    }
}
