namespace Dify.Workflows.Knowledge;

/// <summary>
/// The knowledge port: dataset lookup and search. Implementations: <see cref="InMemoryKnowledgeIndex"/> (tests,
/// small local sets); the embedded and Azure AI Search indexes sit behind the same interface.
/// </summary>
public interface IKnowledgeRetriever
{
    /// <summary>The datasets among <paramref name="datasetIds"/> that exist and can be searched, in the order asked; unknown ids are left out.</summary>
    Task<IReadOnlyList<DatasetInfo>> GetDatasetsAsync(IReadOnlyList<string> datasetIds, CancellationToken cancellationToken);

    /// <summary>Chunks sorted by score, highest first, at most <see cref="KnowledgeQuery.TopK"/>.</summary>
    Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(KnowledgeQuery query, CancellationToken cancellationToken);

    /// <summary>Counts the chunks a retrieval finally returned (Dify's segment hit_count); an index without counters ignores it.</summary>
    Task RecordHitsAsync(IReadOnlyList<RetrievedChunk> chunks, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A search could not run (unknown dataset, missing embedding model, backend failure). The message is shown to the user.</summary>
public sealed class KnowledgeRetrievalException(string message, Exception? inner = null) : Exception(message, inner);
