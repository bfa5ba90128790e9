using Dify.Knowledge.AzureSearch;
using Dify.Knowledge.Storage;
using Microsoft.Extensions.Logging;

namespace Dify.Knowledge.Pipeline;

/// <summary>
/// Publishes documents from the knowledge file to an external index (<see cref="IKnowledgeIndexWriter"/>, e.g. Azure AI
/// Search): the file stays the pipeline's state (steps, progress, the vectors that make re-ingestion free), the writer
/// gets each document's indexed chunks with their stored vectors once it completes or changes. A document is replaced
/// as a whole (its old chunks removed, then its current ones uploaded), removed when deleted, disabled or archived, so
/// the external index answers like the embedded one. Callers hold the document's gate.
/// </summary>
internal sealed class IndexWriterSync(KnowledgeDatabase database, DocumentStore documents, IKnowledgeIndexWriter writer, ILogger logger)
{
    public async Task PublishAsync(string datasetId, string documentId, CancellationToken ct)
    {
        var document = await documents.GetAsync(datasetId, documentId, ct).ConfigureAwait(false);
        var removed = await writer.DeleteDocumentAsync(datasetId, documentId, ct).ConfigureAwait(false);
        if (document is not { Searchable: true })
        {
            KnowledgeLog.WriterRemoved(logger, datasetId, documentId, removed);
            return;
        }
        var chunks = await KnowledgeFileChunks.ReadDocumentAsync(database, datasetId, documentId, ct).ConfigureAwait(false);
        await writer.UpsertAsync(chunks, ct).ConfigureAwait(false);
        KnowledgeLog.WriterPublished(logger, datasetId, documentId, chunks.Count, removed);
    }
}
