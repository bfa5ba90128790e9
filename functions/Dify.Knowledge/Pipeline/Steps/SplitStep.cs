using Dify.Knowledge.Index;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;

namespace Dify.Knowledge.Pipeline.Steps;

/// <summary>
/// splitting: pulls the cleaned text through the chunker and stores the segments (and child chunks) as pending, a
/// batch per transaction, so memory stays bounded whatever the document's size. Completing it records the source
/// hash and the segment count and moves the document to indexing, from where a crash resumes without the source.
/// Single pass (<see cref="IngestionOptions.EmbedWhileSplitting"/>): each batch is embedded before it is written and
/// stored already indexed, so the indexing step finds nothing left to do; chunk rows are written once instead of being
/// read back and updated. A crash then restarts the document from its source, with every vector already stored
/// reused (found by content hash), so nothing is embedded twice.
/// </summary>
internal sealed class SplitStep(KnowledgeDatabase database, SqliteKnowledgeIndex index, ChunkVectors vectors, IngestionOptions options) : IIngestionStep
{
    public DocumentStatus Status => DocumentStatus.Splitting;
    public string? CompletedColumn => null;

    public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var blocks = context.CleanedBlocks ?? throw new InvalidOperationException("Splitting needs the cleaned text.");
        var batch = new List<ChunkDraft>(options.SplitBatchSize);
        var segments = 0;
        long words = 0;
        // The previous batch is written (hashed and inserted) on another thread while the chunker fills the next;
        // batches still go in order, one at a time, so chunk ids follow the document.
        Task writing = Task.CompletedTask;
        try
        {
            await foreach (var draft in context.Chunker.SplitAsync(blocks, cancellationToken).ConfigureAwait(false))
            {
                batch.Add(draft);
                segments++;
                words += draft.Content.Length;
                if (batch.Count < options.SplitBatchSize) continue;
                await writing.ConfigureAwait(false);
                var full = batch;
                writing = Task.Run(() => WriteAsync(context, full, null, cancellationToken), cancellationToken);
                batch = new List<ChunkDraft>(options.SplitBatchSize);
            }
        }
        finally
        {
            await writing.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false); // never leave a write running
        }
        await writing.ConfigureAwait(false); // its failure, if any
        context.SourceHash ??= context.Hasher?.Finish() ?? "";
        await WriteAsync(context, batch, (segments, words), cancellationToken).ConfigureAwait(false);
        context.Text?.Dispose();
    }

    private async Task WriteAsync(IngestionContext context, List<ChunkDraft> batch, (int Segments, long Words)? done, CancellationToken ct)
    {
        var dataset = context.Dataset;
        IndexedBatch? indexed = null;
        Dictionary<byte[], float[]>? embedded = null;
        if (options.EmbedsWhileSplitting(dataset))
        {
            indexed = new IndexedBatch(batch);
            if (dataset.HasVectors) embedded = await vectors.ResolveAsync(dataset, indexed.Searchable(), null, ct).ConfigureAwait(false);
        }
        // Paid-for vectors are kept: from here the batch is written even when cancelled.
        var write = embedded is null ? ct : CancellationToken.None;
        await using var lease = await database.WriteAsync(write).ConfigureAwait(false);
        Storage.Vectors.VectorSet? set = null;
        if (embedded is not null)
        {
            (set, indexed!.Ordinals) = await vectors.StoreAsync(lease.Connection, dataset, embedded, write).ConfigureAwait(false);
            indexed.Vectors = embedded;
        }
        try
        {
            await lease.Connection.InTransactionAsync(async () =>
            {
                await using (var writer = await ChunkRows.Writer.OpenAsync(lease.Connection, dataset.Id, context.DocumentId, write).ConfigureAwait(false))
                {
                    foreach (var draft in batch) await writer.AddAsync(draft, write, indexed).ConfigureAwait(false);
                }
                if (done is { } d)
                    await DocumentStore.SetSplitAsync(lease.Connection, dataset.Id, context.DocumentId, context.SourceHash!, d.Segments, d.Words, write).ConfigureAwait(false);
                if (set is not null) await set.StageCommitAsync(lease.Connection, write).ConfigureAwait(false);
            }, write).ConfigureAwait(false);
        }
        catch
        {
            set?.RolledBack();
            throw;
        }
        set?.Committed();
        if (indexed is not null)
            index.ApplyIndexed(dataset.Id, context.DocumentId, set, indexed.Inserted);
        batch.Clear();
    }
}
