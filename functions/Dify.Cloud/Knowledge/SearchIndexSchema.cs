using Dify.Knowledge.AzureSearch;
using Dify.Workflows.Knowledge;

namespace Dify.Cloud.Knowledge;

/// <summary>
/// Brings the search index up to this version's schema once per instance, before its first read or write: searches
/// filter on fields (<c>enabled</c>, <c>document_enabled</c>) that an index created by an earlier version lacks until
/// it is updated in place. A failed attempt is tried again on the next call rather than remembered.
/// </summary>
public sealed class SearchIndexSchema(AzureSearchKnowledgeIndex index)
{
    private readonly Lock _gate = new();
    private Task? _ready;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled) _ready = index.EnsureIndexAsync(CancellationToken.None);
            return _ready.WaitAsync(cancellationToken);
        }
    }
}

/// <summary>The workflows' knowledge retrieval over the search index, once its schema is current.</summary>
public sealed class SchemaCheckedRetriever(AzureSearchKnowledgeIndex index, SearchIndexSchema schema) : IKnowledgeRetriever
{
    public async Task<IReadOnlyList<DatasetInfo>> GetDatasetsAsync(IReadOnlyList<string> datasetIds, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await index.GetDatasetsAsync(datasetIds, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await index.RetrieveAsync(query, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        try
        {
            await schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AzureSearchIndexException e)
        {
            throw new KnowledgeRetrievalException(e.Message, e);
        }
    }
}
