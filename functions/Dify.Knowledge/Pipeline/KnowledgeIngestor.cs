using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline.Steps;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Dify.Models.Embeddings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Knowledge.Pipeline;

/// <summary>
/// Ingests documents into the knowledge file through Dify's steps, waiting → parsing → cleaning → splitting →
/// indexing → completed | error, persisting the status (the last step reached) and progress as it goes.
/// Idempotent: an unchanged document (same bytes, same rule) is left alone, a document interrupted while indexing
/// resumes where it stopped, equal chunk content is never embedded twice, a changed document replaces its chunks.
/// One ingestion per document at a time; different documents may ingest concurrently.
/// </summary>
public sealed class KnowledgeIngestor
{
    private readonly KnowledgeDatabase _database;
    private readonly SqliteKnowledgeIndex _index;
    private readonly IngestionOptions _options;
    private readonly ILogger _logger;
    private readonly IIngestionStep[] _readSteps;
    private readonly IndexStep _indexStep;
    private readonly ConcurrentDictionary<(string, string), SemaphoreSlim> _documentGates = new();
    private readonly IndexWriterSync? _writer;

    /// <param name="indexWriter">
    /// An external index (e.g. Azure AI Search) that receives every document once it completes or changes, and loses it
    /// when it is deleted, disabled or archived; null → the embedded index only.
    /// </param>
    public KnowledgeIngestor(
        KnowledgeDatabase database, SqliteKnowledgeIndex index, IEmbeddingModel embeddings, IngestionOptions? options = null, ILogger<KnowledgeIngestor>? logger = null,
        AzureSearch.IKnowledgeIndexWriter? indexWriter = null)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _index = index ?? throw new ArgumentNullException(nameof(index));
        ArgumentNullException.ThrowIfNull(embeddings);
        _options = options ?? new IngestionOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Documents = new DocumentStore(database);
        _indexStep = new IndexStep(database, index, embeddings, _options, _logger);
        var vectors = new ChunkVectors(database, new EmbeddingBatcher(embeddings, _options, _logger));
        _readSteps = [new ParseStep(_options), new CleanStep(), new SplitStep(database, index, vectors, _options)];
        Attributes = new KnowledgeAttributes(database);
        _writer = indexWriter is null ? null : new IndexWriterSync(database, Documents, indexWriter, _logger);
        Segments = new SegmentStore(database, index, _indexStep, Documents, _options, GateAsync, PublishAsync);
        Edits = new DocumentEdits(database, index, Documents, GateAsync, PublishAsync);
        ChildChunks = new ChildChunkStore(database, index, Segments, GateAsync, PublishAsync);
        Metadata = new DatasetMetadata(Attributes, Documents, Edits);
        Tags = new KnowledgeTags(Attributes, index.Datasets);
    }

    public DocumentStore Documents { get; }

    /// <summary>What the Knowledge API keeps beside datasets and documents.</summary>
    public KnowledgeAttributes Attributes { get; }

    /// <summary>Segment (chunk) reads and edits of ingested documents.</summary>
    public SegmentStore Segments { get; }

    /// <summary>The workspace's knowledge tags and their dataset bindings.</summary>
    public KnowledgeTags Tags { get; }

    /// <summary>Metadata fields of datasets and their values on documents.</summary>
    public DatasetMetadata Metadata { get; }

    /// <summary>Child chunks of parent-child segments.</summary>
    public ChildChunkStore ChildChunks { get; }

    /// <summary>Enabled, archived and metadata edits of ingested documents (no re-embedding).</summary>
    public DocumentEdits Edits { get; }

    public DatasetStore Datasets => _index.Datasets;

    /// <summary>
    /// Ingests (or re-ingests) a document from <paramref name="content"/>. Returns the document as it ends: completed,
    /// or error with the reason (unreadable file, embedding failure). Throws <see cref="ArgumentException"/> for a rule
    /// outside Dify's limits or an unknown dataset, and <see cref="OperationCanceledException"/> when cancelled (the
    /// document then stays at its last step, and the next call or <see cref="ResumeAsync"/> continues it).
    /// </summary>
    public async Task<DocumentRecord> IngestAsync(
        string datasetId, string documentId, string name, Stream content, ProcessRule rule, CancellationToken cancellationToken, JsonObject? metadata = null,
        string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        var dataset = await Datasets.GetAsync(datasetId, cancellationToken).ConfigureAwait(false)
                      ?? throw new ArgumentException($"Dataset '{datasetId}' does not exist.", nameof(datasetId));
        var chunker = new DocumentChunker(rule, _options.Chunker);
        var ruleJson = ProcessRuleJson.Write(rule);

        var gate = _documentGates.GetOrAdd((datasetId, documentId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var hash = content.CanSeek ? await HashAsync(content, cancellationToken).ConfigureAwait(false) : null;
            var existing = await Documents.GetAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            if (existing is not null && hash is not null && existing.SourceHash == hash && JsonNode.DeepEquals(existing.ProcessRule, ruleJson))
            {
                if (existing.Status == DocumentStatus.Completed)
                {
                    KnowledgeLog.Unchanged(_logger, datasetId, documentId);
                    return existing;
                }
                if (existing is { Status: DocumentStatus.Indexing, SplittingCompletedAt: not null })
                    return await RunAsync(new IngestionContext(dataset, documentId, name, rule, chunker, null), [], metadata, cancellationToken).ConfigureAwait(false);
            }

            await using (var lease = await _database.WriteAsync(cancellationToken).ConfigureAwait(false))
            {
                await lease.Connection.InTransactionAsync(async () =>
                {
                    await ChunkRows.DeleteDocumentAsync(lease.Connection, datasetId, documentId, cancellationToken).ConfigureAwait(false);
                    await DocumentStore.BeginAsync(lease.Connection, datasetId, documentId, name, ruleJson, metadata, cancellationToken).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                _index.ApplyRemoved(datasetId, documentId);
            }
            var context = new IngestionContext(dataset, documentId, name, rule, chunker, content) { SourceHash = hash, SourceName = sourceName };
            return await RunAsync(context, _readSteps, metadata, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Registers a document to be ingested later (e.g. by a background queue): its old chunks are removed and it waits,
    /// with this name, rule and metadata, so it can be listed and polled before <see cref="IngestAsync"/> runs.
    /// </summary>
    public async Task<DocumentRecord> RegisterAsync(
        string datasetId, string documentId, string name, ProcessRule rule, JsonObject? metadata, CancellationToken cancellationToken)
    {
        _ = await Datasets.GetAsync(datasetId, cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentException($"Dataset '{datasetId}' does not exist.", nameof(datasetId));
        var ruleJson = ProcessRuleJson.Write(rule);
        var gate = await GateAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var lease = await _database.WriteAsync(cancellationToken).ConfigureAwait(false))
            {
                await lease.Connection.InTransactionAsync(async () =>
                {
                    await ChunkRows.DeleteDocumentAsync(lease.Connection, datasetId, documentId, cancellationToken).ConfigureAwait(false);
                    await DocumentStore.BeginAsync(lease.Connection, datasetId, documentId, name, ruleJson, metadata, cancellationToken).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                _index.ApplyRemoved(datasetId, documentId);
            }
            await PublishAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            return (await Documents.GetAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false))!;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Removes a dataset with its documents, chunks and attributes; false when it did not exist.</summary>
    public async Task<bool> DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        if (await Datasets.GetAsync(datasetId, cancellationToken).ConfigureAwait(false) is null) return false;
        foreach (var document in await Documents.ListAsync(datasetId, cancellationToken).ConfigureAwait(false))
            await DeleteDocumentAsync(datasetId, document.Id, cancellationToken).ConfigureAwait(false);
        await using var lease = await _database.WriteAsync(cancellationToken).ConfigureAwait(false);
        await lease.Connection.InTransactionAsync(async () =>
        {
            await using var command = lease.Connection.CreateCommand();
            command.CommandText = "DELETE FROM attributes WHERE dataset_id = $dataset; DELETE FROM datasets WHERE id = $dataset;";
            command.Parameters.AddWithValue("$dataset", datasetId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        _index.Forget(datasetId);
        return true;
    }

    /// <summary>Holds the document's gate (one writer per document); release the returned semaphore.</summary>
    private async Task<SemaphoreSlim> GateAsync(string datasetId, string documentId, CancellationToken cancellationToken)
    {
        var gate = _documentGates.GetOrAdd((datasetId, documentId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return gate;
    }

    /// <summary>Finishes a document whose indexing was interrupted (its segments are stored); null when there is nothing to resume.</summary>
    public async Task<DocumentRecord?> ResumeAsync(string datasetId, string documentId, CancellationToken cancellationToken)
    {
        var gate = _documentGates.GetOrAdd((datasetId, documentId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await Documents.GetAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            if (existing is not { Status: DocumentStatus.Indexing, SplittingCompletedAt: not null }) return null;
            var dataset = await Datasets.GetAsync(datasetId, cancellationToken).ConfigureAwait(false);
            if (dataset is null) return null;
            var rule = ProcessRuleJson.Parse(existing.ProcessRule);
            var context = new IngestionContext(dataset, documentId, existing.Name, rule, new DocumentChunker(rule, _options.Chunker), null);
            return await RunAsync(context, [], null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Resumes every interrupted document (call at startup); returns how many were finished.</summary>
    public async Task<int> ResumePendingAsync(CancellationToken cancellationToken)
    {
        var resumed = 0;
        foreach (var document in await Documents.ListResumableAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await ResumeAsync(document.DatasetId, document.Id, cancellationToken).ConfigureAwait(false) is not null) resumed++;
        }
        return resumed;
    }

    /// <summary>Removes a document, its chunks and its full-text entries; false when it did not exist.</summary>
    public async Task<bool> DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken)
    {
        var gate = _documentGates.GetOrAdd((datasetId, documentId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deleted = 0;
            await using (var lease = await _database.WriteAsync(cancellationToken).ConfigureAwait(false))
            {
                await lease.Connection.InTransactionAsync(async () =>
                {
                    await ChunkRows.DeleteDocumentAsync(lease.Connection, datasetId, documentId, cancellationToken).ConfigureAwait(false);
                    await using var command = lease.Connection.CreateCommand();
                    command.CommandText = "DELETE FROM documents WHERE dataset_id = $dataset AND id = $id; DELETE FROM attributes WHERE dataset_id = $dataset AND document_id = $id;";
                    command.Parameters.AddWithValue("$dataset", datasetId);
                    command.Parameters.AddWithValue("$id", documentId);
                    deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                _index.ApplyRemoved(datasetId, documentId);
            }
            await PublishAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            return deleted > 0;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<DocumentRecord> RunAsync(IngestionContext context, IIngestionStep[] readSteps, JsonObject? metadata, CancellationToken ct)
    {
        var datasetId = context.Dataset.Id;
        var documentId = context.DocumentId;
        try
        {
            foreach (var step in readSteps.Append(_indexStep))
            {
                await SetStatusAsync(context, step.Status, step.Status == DocumentStatus.Parsing ? "processing_started_at" : null, null, ct).ConfigureAwait(false);
                await step.RunAsync(context, ct).ConfigureAwait(false);
                if (step.CompletedColumn is { } column) await SetStatusAsync(context, step.Status, column, null, ct).ConfigureAwait(false);
            }

            var record = await Documents.GetAsync(datasetId, documentId, ct).ConfigureAwait(false);
            await using (var lease = await _database.WriteAsync(ct).ConfigureAwait(false))
            {
                await DocumentStore.SetStatusAsync(lease.Connection, datasetId, documentId, DocumentStatus.Completed, "completed_at", null, ct).ConfigureAwait(false);
                await DocumentStore.SetProgressAsync(lease.Connection, datasetId, documentId, record?.TotalSegments ?? 0, ct).ConfigureAwait(false);
                _index.ApplyDocument(datasetId, documentId, record is null || (record.Enabled && !record.Archived), record?.Metadata ?? metadata);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            KnowledgeLog.IngestionFailed(_logger, e, datasetId, documentId, e.Message);
            await SetStatusAsync(context, DocumentStatus.Error, null, e.Message, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            context.Text?.Dispose();
        }
        var final = (await Documents.GetAsync(datasetId, documentId, CancellationToken.None).ConfigureAwait(false))!;
        // A failed publish leaves the document completed here and is retried by the next change; the caller hears of it.
        await PublishAsync(datasetId, documentId, ct).ConfigureAwait(false);
        KnowledgeLog.DocumentStatus(_logger, datasetId, documentId, final.Status.ToDify(), final.CompletedSegments, final.TotalSegments);
        return final;
    }

    /// <summary>Sends the document's current state to the external index writer, when there is one (the caller holds its gate).</summary>
    private Task PublishAsync(string datasetId, string documentId, CancellationToken ct) =>
        _writer is null ? Task.CompletedTask : _writer.PublishAsync(datasetId, documentId, ct);

    private async Task SetStatusAsync(IngestionContext context, DocumentStatus status, string? column, string? error, CancellationToken ct)
    {
        await using var lease = await _database.WriteAsync(ct).ConfigureAwait(false);
        await DocumentStore.SetStatusAsync(lease.Connection, context.Dataset.Id, context.DocumentId, status, column, error, ct).ConfigureAwait(false);
    }

    private static async Task<string> HashAsync(Stream content, CancellationToken ct)
    {
        var start = content.Position;
        var hash = await SHA256.HashDataAsync(content, ct).ConfigureAwait(false);
        content.Position = start;
        return Convert.ToHexStringLower(hash);
    }
}
