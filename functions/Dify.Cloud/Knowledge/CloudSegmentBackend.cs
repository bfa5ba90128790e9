using System.Numerics.Tensors;
using Dify.Api.Datasets;
using Dify.Api.Errors;
using Dify.Knowledge.AzureSearch;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Embedding;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Models.Chat;
using Microsoft.Extensions.Logging;

namespace Dify.Cloud.Knowledge;

/// <summary>
/// Segments and document switches in Azure. The search index is the source of truth: each chunk is already one search
/// document holding everything a segment is (content, position, children through <c>parent_id</c>), every instance
/// reads the same index, and the blob trigger replaces a document's search documents when it is re-uploaded, which is
/// Dify's rule (re-uploading replaces the segments, edits included). A second copy in Table storage would have to be
/// kept in step with the index on every ingest and edit. Answer, keywords and the enabled switches are fields of the
/// search documents; content edits are re-embedded here with the dataset's model. The catalog's document record keeps
/// its counts (segments, words) and status in step. Added segments get fresh ids (no clash between instances adding at
/// once) and follow the last position.
/// </summary>
public sealed class CloudSegmentBackend(
    AzureSearchKnowledgeIndex index, SearchIndexSchema schema, TableKnowledgeCatalog catalog, EmbeddingRouter embeddings, ILogger<CloudSegmentBackend> logger)
    : IDatasetSegmentBackend
{
    public async Task<IReadOnlyList<SegmentRecord>> ListAsync(string datasetId, string documentId, CancellationToken cancellationToken)
    {
        await schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await index.ListSegmentsAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SegmentRecord?> GetAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken)
    {
        await schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await index.GetSegmentAsync(datasetId, documentId, segmentId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SegmentRecord>> AddAsync(DatasetRecord dataset, DocumentRecord document, IReadOnlyList<SegmentDraft> drafts, CancellationToken cancellationToken)
    {
        RequireCompleted(document);
        var existing = await ListAsync(document.DatasetId, document.Id, cancellationToken).ConfigureAwait(false);
        var next = existing.Count == 0 ? 1 : existing.Max(s => s.Position) + 1;
        var children = ChildSplitter(document);
        var segments = drafts.Select(d => Build(document, Guid.NewGuid().ToString(), next++, d.Content, d.Answer, d.Keywords, enabled: true, children)).ToList();
        var chunks = await EmbedAsync(dataset, segments.SelectMany(s => s.Chunks).ToList(), cancellationToken).ConfigureAwait(false);
        await index.UpsertAsync(chunks, cancellationToken).ConfigureAwait(false);
        await CountAsync(document, segments.Count, segments.Sum(s => (long)s.Record.Content.Length), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Added {SegmentCount} segments to document {DocumentId} of dataset {DatasetId}", segments.Count, document.Id, document.DatasetId);
        return segments.Select(s => s.Record).ToList();
    }

    public async Task<SegmentRecord?> UpdateAsync(DatasetRecord dataset, DocumentRecord document, string segmentId, SegmentEdit edit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        RequireCompleted(document);
        if (await GetAsync(document.DatasetId, document.Id, segmentId, cancellationToken).ConfigureAwait(false) is not { } current) return null;
        var enabled = edit.Enabled ?? current.Enabled;
        var answer = edit.Answer ?? current.Answer;
        var keywords = edit.Keywords ?? current.Keywords;
        if (edit.Content is { } content && content != current.Content)
        {
            // New content: new vectors, and for parent-child documents new children (the old ones go first).
            var segment = Build(document, segmentId, current.Position, content, answer, keywords, enabled, ChildSplitter(document));
            var chunks = await EmbedAsync(dataset, segment.Chunks, cancellationToken).ConfigureAwait(false);
            await index.DeleteChildChunksAsync(document.DatasetId, document.Id, segmentId, cancellationToken).ConfigureAwait(false);
            await index.UpsertAsync(chunks, cancellationToken).ConfigureAwait(false);
            await CountAsync(document, 0, content.Length - current.Content.Length, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Re-embedded segment {SegmentId} of document {DocumentId} in dataset {DatasetId}", segmentId, document.Id, document.DatasetId);
            return segment.Record with { HitCount = current.HitCount };
        }
        if (!await index.UpdateSegmentAsync(document.DatasetId, document.Id, segmentId, edit.Enabled, edit.Answer, edit.Keywords, cancellationToken).ConfigureAwait(false))
            return null;
        return current with { Enabled = enabled, Answer = answer, Keywords = keywords };
    }

    public async Task<bool> DeleteAsync(DocumentRecord document, string segmentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (await GetAsync(document.DatasetId, document.Id, segmentId, cancellationToken).ConfigureAwait(false) is not { } current) return false;
        await index.DeleteSegmentAsync(document.DatasetId, document.Id, segmentId, cancellationToken).ConfigureAwait(false);
        await CountAsync(document, -1, -current.Content.Length, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Deleted segment {SegmentId} of document {DocumentId} in dataset {DatasetId}", segmentId, document.Id, document.DatasetId);
        return true;
    }

    /// <summary>
    /// The catalog record first (what every instance reports, and what a re-ingest of the blob starts from), then the
    /// chunks' <c>document_enabled</c> in place: nothing is removed, so the segments keep their edits and need no new
    /// vectors when the document comes back.
    /// </summary>
    public async Task SetDocumentStatusAsync(DocumentRecord document, bool? enabled, bool? archived, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var changed = document with { Enabled = enabled ?? document.Enabled, Archived = archived ?? document.Archived };
        await catalog.SaveDocumentAsync(changed, cancellationToken).ConfigureAwait(false);
        await schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var searchable = changed.Enabled && !changed.Archived;
        var chunks = await index.SetDocumentEnabledAsync(document.DatasetId, document.Id, searchable, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Document {DocumentId} of dataset {DatasetId} is {State}: {ChunkCount} chunks switched", document.Id, document.DatasetId,
            searchable ? "searchable" : "out of retrieval", chunks);
    }

    /// <summary>A segment as written: its record for the answer, and its search documents (a parent with children, or one segment).</summary>
    private sealed record BuiltSegment(SegmentRecord Record, List<IndexedChunk> Chunks);

    private static BuiltSegment Build(
        DocumentRecord document, string segmentId, int position, string content, string? answer, IReadOnlyList<string>? keywords, bool enabled, DocumentChunker? children)
    {
        var searchable = document.Enabled && !document.Archived;
        var kids = children?.Chunk(content).Select(c => c.Content).Where(c => c.Length > 0).ToList() ?? [];
        var parent = new IndexedChunk(document.DatasetId, document.Id, document.Name, segmentId, position, content, null,
            children is null ? IndexedChunkKind.Segment : IndexedChunkKind.Parent, null, 0, document.Metadata, answer, keywords, enabled, searchable);
        var chunks = new List<IndexedChunk> { parent };
        chunks.AddRange(kids.Select((text, i) => parent with
        {
            SegmentId = $"{segmentId}:{i + 1}", Content = text, Kind = IndexedChunkKind.Child, ParentSegmentId = segmentId, ChildPosition = i + 1,
            Answer = null, Keywords = null,
        }));
        var record = new SegmentRecord(segmentId, document.Id, position, content, Hash(content), Indexed: true, enabled,
            chunks.Skip(1).Select(c => new ChildChunkRecord(c.SegmentId, c.ChildPosition, c.Content, Hash(c.Content), Indexed: true)).ToList(),
            keywords ?? [], answer);
        return new BuiltSegment(record, chunks);
    }

    /// <summary>Vectors for the searched chunks (not parents) with the dataset's model, L2-normalised; none for economy datasets.</summary>
    private async Task<List<IndexedChunk>> EmbedAsync(DatasetRecord dataset, List<IndexedChunk> chunks, CancellationToken ct)
    {
        if (!dataset.HasVectors) return chunks;
        var searched = chunks.Where(c => c.Kind != IndexedChunkKind.Parent).ToList();
        if (searched.Count == 0) return chunks;
        IReadOnlyList<float[]> vectors;
        try
        {
            vectors = (await embeddings.EmbedAsync(dataset.EmbeddingProvider, dataset.EmbeddingModel, searched.Select(c => c.Content).ToList(), ct).ConfigureAwait(false)).Vectors;
        }
        catch (ModelProviderException e)
        {
            throw new ApiException(400, "provider_not_initialize", $"Could not embed the segment with {dataset.EmbeddingKey}: {e.Message}");
        }
        if (vectors.Count != searched.Count)
            throw new ApiException(502, "embedding_failed", $"{dataset.EmbeddingKey} returned {vectors.Count} vectors for {searched.Count} inputs.");
        var byChunk = new Dictionary<IndexedChunk, float[]>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < searched.Count; i++)
        {
            var vector = vectors[i].ToArray();
            var norm = TensorPrimitives.Norm<float>(vector);
            if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
            byChunk[searched[i]] = vector;
        }
        return chunks.Select(c => byChunk.TryGetValue(c, out var v) ? c with { Vector = v } : c).ToList();
    }

    /// <summary>The child splitter of a parent-child document (its process rule's subchunk segmentation), else null.</summary>
    private static DocumentChunker? ChildSplitter(DocumentRecord document)
    {
        ProcessRule rule;
        try
        {
            rule = ProcessRuleJson.Parse(document.ProcessRule);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            return null;
        }
        return rule is { Mode: ProcessRuleMode.Hierarchical, SubchunkSegmentation: { } sub }
            ? new DocumentChunker(ProcessRule.Custom(sub.Separator, sub.MaxTokens, sub.ChunkOverlap, CleaningRules.None))
            : null;
    }

    /// <summary>Keeps the record's segment and word counts in step with an edit (re-read, so a concurrent status change is kept).</summary>
    private async Task CountAsync(DocumentRecord document, int segments, long words, CancellationToken ct)
    {
        var current = await catalog.GetDocumentAsync(document.DatasetId, document.Id, ct).ConfigureAwait(false) ?? document;
        await catalog.SaveDocumentAsync(current with
        {
            TotalSegments = Math.Max(0, current.TotalSegments + segments),
            CompletedSegments = Math.Max(0, current.CompletedSegments + segments),
            WordCount = Math.Max(0, current.WordCount + words),
        }, ct).ConfigureAwait(false);
    }

    private static void RequireCompleted(DocumentRecord document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Status != DocumentStatus.Completed) throw new InvalidOperationException("Document is not completed.");
    }

    private static string Hash(string content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)));
}
