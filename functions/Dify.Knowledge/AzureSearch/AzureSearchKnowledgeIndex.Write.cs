using System.Text.Json.Nodes;
using Azure;
using Azure.Search.Documents;
using Azure.Search.Documents.Models;
using Dify.Workflows.Values;

namespace Dify.Knowledge.AzureSearch;

public sealed partial class AzureSearchKnowledgeIndex
{
    private const int MaxPartialRetries = 3;

    /// <summary>
    /// Uploads chunks (a chunk's key is its dataset and segment id, so uploading again replaces it) in batches of at
    /// most <see cref="AzureSearchOptions.BatchSize"/>. Documents the service turns away with 409/422/429/503 inside a
    /// 207 answer are sent again (up to 3 times); any other failure throws <see cref="AzureSearchIndexException"/>.
    /// </summary>
    public async Task UpsertAsync(IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var chunk in chunks)
        {
            if (chunk.Kind != IndexedChunkKind.Parent && chunk.Vector is { } v && v.Length != _options.VectorDimensions)
                throw new ArgumentException(
                    $"Chunk {chunk.DatasetId}/{chunk.SegmentId} has a {v.Length}-dimension vector; index '{IndexName}' holds {_options.VectorDimensions}.", nameof(chunks));
        }
        var batches = 0;
        foreach (var batch in chunks.Select(AzureSearchChunk.From).Chunk(_options.BatchSize))
        {
            await IndexAsync(IndexDocumentsBatch.Upload(batch), batch.Length, "upload documents", cancellationToken).ConfigureAwait(false);
            batches++;
        }
        AzureSearchLog.Indexed(_logger, chunks.Count, IndexName, batches);
    }

    /// <summary>Removes every chunk of a document (found by filter, deleted in batches); returns how many.</summary>
    public async Task<int> DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken)
    {
        var keys = await KeysAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        foreach (var batch in keys.Chunk(_options.BatchSize))
        {
            var actions = batch.Select(k => IndexDocumentsAction.Delete(new AzureSearchChunk { Id = k })).ToArray();
            await IndexAsync(IndexDocumentsBatch.Create(actions), actions.Length, "delete documents", cancellationToken).ConfigureAwait(false);
        }
        AzureSearchLog.DocumentRemoved(_logger, keys.Count, datasetId, documentId, IndexName);
        return keys.Count;
    }

    /// <summary>Replaces a document's metadata on all its chunks (merge: content and vectors stay); returns how many chunks.</summary>
    public async Task<int> UpdateDocumentMetadataAsync(string datasetId, string documentId, JsonObject? metadata, CancellationToken cancellationToken)
    {
        var keys = await KeysAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        var json = metadata?.ToJsonString();
        var pairs = metadata is null ? [] : metadata.Where(p => p.Value is not null).Select(p => AzureSearchChunk.Pair(p.Key, ValueText.ToText(p.Value!))).ToList();
        foreach (var batch in keys.Chunk(_options.BatchSize))
        {
            var actions = batch.Select(k => IndexDocumentsAction.Merge(new SearchDocument
            {
                [AzureSearchSchema.Id] = k,
                [AzureSearchSchema.DocMetadata] = json,
                [AzureSearchSchema.MetadataPairs] = pairs,
            })).ToArray();
            await IndexAsync(IndexDocumentsBatch.Create(actions), actions.Length, "update document metadata", cancellationToken).ConfigureAwait(false);
        }
        return keys.Count;
    }

    /// <summary>The keys of a document's chunks, parents included, a page of 1000 at a time.</summary>
    private async Task<List<string>> KeysAsync(string datasetId, string documentId, CancellationToken ct)
    {
        var filter = $"{AzureSearchSchema.DatasetId} eq {ODataFilter.Literal(datasetId)} and {AzureSearchSchema.DocumentId} eq {ODataFilter.Literal(documentId)}";
        var keys = new List<string>();
        while (true)
        {
            var options = new SearchOptions { Filter = filter, Size = 1000, Skip = keys.Count };
            options.Select.Add(AzureSearchSchema.Id);
            List<string> page;
            try
            {
                var response = await _search.SearchAsync<AzureSearchChunk>(null, options, ct).ConfigureAwait(false);
                page = [];
                await foreach (var r in response.Value.GetResultsAsync().ConfigureAwait(false))
                {
                    page.Add(r.Document.Id);
                    if (page.Count >= 1000) break;
                }
            }
            catch (RequestFailedException e)
            {
                throw AzureSearchErrors.Index(IndexName, "list a document's chunks", e);
            }
            keys.AddRange(page);
            if (page.Count < 1000) return keys;
        }
    }

    private async Task IndexAsync<T>(IndexDocumentsBatch<T> batch, int count, string action, CancellationToken ct)
    {
        var options = new IndexDocumentsOptions { ThrowOnAnyError = false };
        for (var attempt = 0; ; attempt++)
        {
            IndexDocumentsResult result;
            try
            {
                result = (await _search.IndexDocumentsAsync(batch, options, ct).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e)
            {
                throw AzureSearchErrors.Index(IndexName, action, e);
            }
            var failed = result.Results.Where(r => !r.Succeeded).ToList();
            if (failed.Count == 0) return;
            var retriable = failed.All(r => r.Status is 409 or 422 or 429 or 503);
            if (!retriable || attempt >= MaxPartialRetries)
            {
                var first = failed[0];
                throw new AzureSearchIndexException(IndexName, 207,
                    $"Azure AI Search could not {action} on index '{IndexName}': {failed.Count} of {count} failed (first: HTTP {first.Status}, {first.ErrorMessage}).");
            }
            AzureSearchLog.PartialFailure(_logger, failed.Count, count, IndexName, failed[0].Status, attempt + 1);
            var keys = failed.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
            var again = IndexDocumentsBatch.Create<T>();
            foreach (var a in batch.Actions.Where(a => keys.Contains(KeyOf(a.Document)))) again.Actions.Add(a);
            batch = again;
            count = again.Actions.Count;
            await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt)), ct).ConfigureAwait(false);
        }
    }

    private static string KeyOf<T>(T document) => document switch
    {
        AzureSearchChunk c => c.Id,
        SearchDocument d => d.GetString(AzureSearchSchema.Id),
        _ => "",
    };
}
