using Dify.Knowledge.Index;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Dify.Knowledge.Storage.Vectors;

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
        // The previous batch is embedded (single pass) and written on another thread while the chunker fills the next;
        // batches go in order, one at a time, so chunk ids follow the document. Embedding one batch while the one before
        // is written as well was no faster on 2 cores and let the GC heap grow (peak RSS ingesting 200 MB: 350-430 MiB
        // against under 300 MiB).
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
                writing = Task.Run(async () => await WriteAsync(context, await PrepareAsync(context, full, cancellationToken).ConfigureAwait(false), null, cancellationToken).ConfigureAwait(false), cancellationToken);
                batch = new List<ChunkDraft>(options.SplitBatchSize);
            }
        }
        finally
        {
            await writing.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false); // never leave a write running
        }
        await writing.ConfigureAwait(false); // its failure, if any
        context.SourceHash ??= context.Hasher?.Finish() ?? "";
        await WriteAsync(context, await PrepareAsync(context, batch, cancellationToken).ConfigureAwait(false), (segments, words), cancellationToken).ConfigureAwait(false);
        context.Text?.Dispose();
    }

    private sealed record Prepared(List<ChunkDraft> Batch, IndexedBatch? Indexed, Dictionary<byte[], float[]>? Embedded);

    /// <summary>Single pass: the batch's hashes and vectors (embedded here, beside the writer); otherwise nothing to do.</summary>
    private async Task<Prepared> PrepareAsync(IngestionContext context, List<ChunkDraft> batch, CancellationToken ct)
    {
        var dataset = context.Dataset;
        if (!options.EmbedsWhileSplitting(dataset)) return new Prepared(batch, null, null);
        var indexed = new IndexedBatch(batch);
        var embedded = dataset.HasVectors ? await vectors.ResolveAsync(dataset, indexed.Searchable(), null, ct).ConfigureAwait(false) : null;
        return new Prepared(batch, indexed, embedded);
    }

    private async Task WriteAsync(IngestionContext context, Prepared prepared, (int Segments, long Words)? done, CancellationToken ct)
    {
        var dataset = context.Dataset;
        var (batch, indexed, embedded) = prepared;
        // Paid-for vectors are kept: from here the batch is written even when cancelled.
        var write = embedded is null ? ct : CancellationToken.None;
        await using var lease = await database.WriteAsync(write).ConfigureAwait(false);
        VectorSet? set = null;
        if (embedded is not null)
        {
            (set, indexed!.Ordinals) = await vectors.StoreAsync(lease.Connection, dataset, embedded, write).ConfigureAwait(false);
            indexed.Vectors = embedded;
        }
        await lease.Connection.InVectorTransactionAsync(set, async () =>
        {
            await using (var writer = await ChunkRows.Writer.OpenAsync(lease.Connection, dataset.Id, context.DocumentId, write).ConfigureAwait(false))
            {
                foreach (var draft in batch) await writer.AddAsync(draft, write, indexed).ConfigureAwait(false);
            }
            if (done is { } d)
                await DocumentStore.SetSplitAsync(lease.Connection, dataset.Id, context.DocumentId, context.SourceHash!, d.Segments, d.Words, write).ConfigureAwait(false);
        }, write).ConfigureAwait(false);
        if (indexed is not null)
            index.ApplyIndexed(dataset.Id, context.DocumentId, set, indexed.Inserted);
        batch.Clear();
    }
}
