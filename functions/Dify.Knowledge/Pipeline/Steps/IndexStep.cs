using Dify.Knowledge.Index;
using Dify.Knowledge.Storage;
using Dify.Knowledge.Storage.Vectors;
using Dify.Models.Embeddings;
using Microsoft.Extensions.Logging;

namespace Dify.Knowledge.Pipeline.Steps;

/// <summary>
/// indexing: takes the pending chunks a batch at a time, embeds only content with no stored vector for the dataset's
/// model (so nothing is embedded twice, across documents and across restarts), then appends the new vectors to the
/// model's vector file and, in one transaction, marks the chunks indexed with their vectors' ordinals, moves the file's
/// committed count and saves progress. The next batch is read and embedded while the current one is written (CPU and
/// I/O overlap). A batch whose vectors were paid for is always saved, even when cancelled; cancellation stops before
/// the next. Economy datasets skip embedding.
/// </summary>
internal sealed class IndexStep(KnowledgeDatabase database, SqliteKnowledgeIndex index, IEmbeddingModel embeddings, IngestionOptions options, ILogger logger) : IIngestionStep
{
    private readonly ChunkVectors _vectors = new(database, new EmbeddingBatcher(embeddings, options, logger));

    public DocumentStatus Status => DocumentStatus.Indexing;
    public string? CompletedColumn => null;

    public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var next = PrepareAsync(context, after: 0, known: new Dictionary<byte[], float[]>(ContentHashComparer.Instance), cancellationToken);
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

    /// <summary>
    /// The next batch after chunk <paramref name="after"/>, with a vector for every distinct content: read from the
    /// model's file, taken from the previous batch (<paramref name="known"/>: it may not be written yet), or embedded.
    /// </summary>
    private async Task<(List<PendingChunk>, Dictionary<byte[], float[]>)> PrepareAsync(
        IngestionContext context, long after, Dictionary<byte[], float[]> known, CancellationToken ct)
    {
        var dataset = context.Dataset;
        List<PendingChunk> pending;
        await using (var read = await database.ReadAsync(ct).ConfigureAwait(false))
            pending = await ChunkRows.PendingAsync(read.Connection, dataset.Id, context.DocumentId, after, options.IndexBatchSize, ct).ConfigureAwait(false);
        if (pending.Count == 0 || !dataset.HasVectors) return (pending, new Dictionary<byte[], float[]>(ContentHashComparer.Instance));
        return (pending, await _vectors.ResolveAsync(dataset, pending.Select(p => (p.Hash, p.Content)), known, ct).ConfigureAwait(false));
    }

    private async Task WriteAsync(IngestionContext context, List<PendingChunk> pending, Dictionary<byte[], float[]> vectors)
    {
        var dataset = context.Dataset;
        var ct = CancellationToken.None; // see the class summary: paid-for vectors are kept
        await using var write = await database.WriteAsync(ct).ConfigureAwait(false);
        var (set, ordinals) = await _vectors.StoreAsync(write.Connection, dataset, vectors, ct).ConfigureAwait(false);
        await write.Connection.InVectorTransactionAsync(set, async () =>
        {
            await ChunkRows.MarkIndexedAsync(write.Connection, pending.Select(p => (p.Id, ordinals.TryGetValue(p.Hash, out var o) ? o : (long?)null)), ct).ConfigureAwait(false);
            // Chunks are indexed in order, so every segment before the last one seen is complete.
            await DocumentStore.SetProgressAsync(write.Connection, dataset.Id, context.DocumentId, pending[^1].Position - 1, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        index.ApplyIndexed(dataset.Id, context.DocumentId, set, pending.Select(p => new IndexedRow(
            p.Id, p.ParentId, p.Content,
            ordinals.TryGetValue(p.Hash, out var o) ? o : -1,
            dataset.HasVectors ? vectors.GetValueOrDefault(p.Hash) : null)));
    }
}
