using Azure;
using Azure.Search.Documents;
using Azure.Search.Documents.Models;
using Dify.Knowledge.Pipeline;

namespace Dify.Knowledge.AzureSearch;

/// <summary>
/// The stored segments of a document, read and edited in the index itself: in Azure the index is what every instance
/// shares, so the Dataset API's segment routes work on its search documents (one per chunk) rather than on an
/// instance's working knowledge file. A segment is a <c>segment</c> or <c>parent</c> document; a parent's children are
/// the <c>child</c> documents naming it in <c>parent_id</c>.
/// </summary>
public sealed partial class AzureSearchKnowledgeIndex
{
    /// <summary>The document's segments with their child chunks, by position.</summary>
    public async Task<IReadOnlyList<SegmentRecord>> ListSegmentsAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        Segments(await ReadAllAsync(DocumentFilter(datasetId, documentId), cancellationToken).ConfigureAwait(false));

    /// <summary>One segment with its child chunks, or null when the document has no such segment.</summary>
    public async Task<SegmentRecord?> GetSegmentAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken)
    {
        var docs = await ReadAllAsync(SegmentFilter(datasetId, documentId, segmentId), cancellationToken).ConfigureAwait(false);
        return Segments(docs).FirstOrDefault(s => s.Id == segmentId);
    }

    /// <summary>
    /// Changes a segment's answer, keywords or enabled switch in place (merge: content and vectors stay); enabled goes to
    /// its child chunks too, since they are what is searched. Returns false when the segment is not in the index.
    /// </summary>
    public async Task<bool> UpdateSegmentAsync(
        string datasetId, string documentId, string segmentId, bool? enabled, string? answer, IReadOnlyList<string>? keywords, CancellationToken cancellationToken)
    {
        var docs = await ReadAllAsync(SegmentFilter(datasetId, documentId, segmentId), cancellationToken).ConfigureAwait(false);
        var segment = docs.FirstOrDefault(d => d.SegmentId == segmentId && d.Kind != "child");
        if (segment is null) return false;
        var actions = new List<IndexDocumentsAction<SearchDocument>>();
        var fields = new SearchDocument { [AzureSearchSchema.Id] = segment.Id };
        if (enabled is { } e) fields[AzureSearchSchema.Enabled] = e;
        if (answer is not null) fields[AzureSearchSchema.Answer] = answer;
        if (keywords is not null) fields[AzureSearchSchema.Keywords] = keywords.ToList();
        if (fields.Count > 1) actions.Add(IndexDocumentsAction.Merge(fields));
        if (enabled is { } childEnabled)
        {
            foreach (var child in docs.Where(d => d.Kind == "child"))
                actions.Add(IndexDocumentsAction.Merge(new SearchDocument { [AzureSearchSchema.Id] = child.Id, [AzureSearchSchema.Enabled] = childEnabled }));
        }
        foreach (var batch in actions.Chunk(_options.BatchSize))
            await IndexAsync(IndexDocumentsBatch.Create(batch), batch.Length, "update a segment", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes a segment with its child chunks; returns how many search documents went.</summary>
    public async Task<int> DeleteSegmentAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken) =>
        await DeleteWhereAsync(SegmentFilter(datasetId, documentId, segmentId), "delete a segment", cancellationToken).ConfigureAwait(false);

    /// <summary>Removes a segment's child chunks only (before its new content's children are uploaded).</summary>
    public async Task<int> DeleteChildChunksAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken) =>
        await DeleteWhereAsync($"{DocumentFilter(datasetId, documentId)} and {AzureSearchSchema.ParentId} eq {ODataFilter.Literal(segmentId)}",
            "delete child chunks", cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Sets whether a document's chunks are searched (false: disabled or archived), on every chunk in place, so nothing is
    /// re-embedded and the segments keep their edits. Returns how many chunks.
    /// </summary>
    public async Task<int> SetDocumentEnabledAsync(string datasetId, string documentId, bool searchable, CancellationToken cancellationToken)
    {
        var keys = await KeysAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        foreach (var batch in keys.Chunk(_options.BatchSize))
        {
            var actions = batch.Select(k => IndexDocumentsAction.Merge(new SearchDocument
            {
                [AzureSearchSchema.Id] = k,
                [AzureSearchSchema.DocumentEnabled] = searchable,
            })).ToArray();
            await IndexAsync(IndexDocumentsBatch.Create(actions), actions.Length, "switch a document", cancellationToken).ConfigureAwait(false);
        }
        return keys.Count;
    }

    private async Task<int> DeleteWhereAsync(string filter, string action, CancellationToken ct)
    {
        var keys = (await ReadAllAsync(filter, ct).ConfigureAwait(false)).Select(d => d.Id).ToList();
        foreach (var batch in keys.Chunk(_options.BatchSize))
        {
            var actions = batch.Select(k => IndexDocumentsAction.Delete(new AzureSearchChunk { Id = k })).ToArray();
            await IndexAsync(IndexDocumentsBatch.Create(actions), actions.Length, action, ct).ConfigureAwait(false);
        }
        return keys.Count;
    }

    private static string DocumentFilter(string datasetId, string documentId) =>
        $"{AzureSearchSchema.DatasetId} eq {ODataFilter.Literal(datasetId)} and {AzureSearchSchema.DocumentId} eq {ODataFilter.Literal(documentId)}";

    private static string SegmentFilter(string datasetId, string documentId, string segmentId) =>
        $"{DocumentFilter(datasetId, documentId)} and ({AzureSearchSchema.SegmentId} eq {ODataFilter.Literal(segmentId)} or {AzureSearchSchema.ParentId} eq {ODataFilter.Literal(segmentId)})";

    /// <summary>Every search document matching the filter, with the segment fields, a page of 1000 at a time.</summary>
    private async Task<List<AzureSearchChunk>> ReadAllAsync(string filter, CancellationToken ct)
    {
        var result = new List<AzureSearchChunk>();
        while (true)
        {
            var options = new SearchOptions { Filter = filter, Size = 1000, Skip = result.Count };
            foreach (var field in AzureSearchSchema.SegmentFields) options.Select.Add(field);
            var page = 0;
            try
            {
                var response = await _search.SearchAsync<AzureSearchChunk>(null, options, ct).ConfigureAwait(false);
                await foreach (var r in response.Value.GetResultsAsync().ConfigureAwait(false))
                {
                    result.Add(r.Document);
                    if (++page >= 1000) break;
                }
            }
            catch (RequestFailedException e)
            {
                throw AzureSearchErrors.Index(IndexName, "read a document's segments", e);
            }
            if (page < 1000) return result;
        }
    }

    private static List<SegmentRecord> Segments(List<AzureSearchChunk> docs)
    {
        var children = docs.Where(d => d.Kind == "child" && d.ParentId is not null).ToLookup(d => d.ParentId!, StringComparer.Ordinal);
        return docs
            .Where(d => d.Kind != "child" && d.SegmentId is not null)
            .OrderBy(d => d.Position).ThenBy(d => d.SegmentId, StringComparer.Ordinal)
            .Select(d =>
            {
                var content = d.Content ?? "";
                var kids = children[d.SegmentId!].OrderBy(c => c.ChildPosition)
                    .Select(c => new ChildChunkRecord(c.SegmentId ?? c.Id, c.ChildPosition, c.Content ?? "", AzureSearchScores.Hash(c.Content ?? ""), Indexed: true))
                    .ToList();
                return new SegmentRecord(d.SegmentId!, d.DocumentId ?? "", d.Position, content, AzureSearchScores.Hash(content), Indexed: true, d.Enabled ?? true, kids,
                    d.Keywords ?? [], d.Answer);
            })
            .ToList();
    }
}
