using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;

namespace Dify.Knowledge.Pipeline.Steps;

/// <summary>
/// splitting: pulls the cleaned text through the chunker and stores the segments (and child chunks) as pending, a
/// batch per transaction, so memory stays bounded whatever the document's size. Completing it records the source
/// hash and the segment count and moves the document to indexing, from where a crash resumes without the source.
/// </summary>
internal sealed class SplitStep(KnowledgeDatabase database, IngestionOptions options) : IIngestionStep
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
        await using var lease = await database.WriteAsync(ct).ConfigureAwait(false);
        await lease.Connection.InTransactionAsync(async () =>
        {
            await using (var writer = await ChunkRows.Writer.OpenAsync(lease.Connection, context.Dataset.Id, context.DocumentId, ct).ConfigureAwait(false))
            {
                foreach (var draft in batch) await writer.AddAsync(draft, ct).ConfigureAwait(false);
            }
            if (done is { } d)
                await DocumentStore.SetSplitAsync(lease.Connection, context.Dataset.Id, context.DocumentId, context.SourceHash!, d.Segments, d.Words, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        batch.Clear();
    }
}
