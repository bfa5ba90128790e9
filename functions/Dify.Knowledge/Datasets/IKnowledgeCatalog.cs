using Dify.Knowledge.AzureSearch;
using Dify.Knowledge.Pipeline;

namespace Dify.Knowledge.Datasets;

/// <summary>
/// Where datasets and their document records live: the SQLite knowledge file locally
/// (<see cref="SqliteKnowledgeCatalog"/>), Table storage in the cloud (<see cref="TableKnowledgeCatalog"/>) beside an
/// Azure AI Search index that holds only chunks. Both pass the same contract tests.
/// </summary>
public interface IKnowledgeCatalog : IDatasetCatalog
{
    /// <summary>Creates the dataset or replaces its settings (its documents are kept).</summary>
    Task SaveDatasetAsync(DatasetRecord dataset, CancellationToken cancellationToken);

    /// <summary>Every dataset, oldest first.</summary>
    Task<IReadOnlyList<DatasetRecord>> ListDatasetsAsync(CancellationToken cancellationToken);

    /// <summary>Removes a dataset with its documents; false when it did not exist.</summary>
    Task<bool> DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces a document record (status, progress, rule, metadata, flags).</summary>
    Task SaveDocumentAsync(DocumentRecord document, CancellationToken cancellationToken);

    Task<DocumentRecord?> GetDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken);

    /// <summary>The dataset's documents, oldest first.</summary>
    Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Removes a document record (and, in the knowledge file, its chunks); false when it did not exist.</summary>
    Task<bool> DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken);
}
