using Dify.Cloud.Configuration;
using Dify.Cloud.Stores;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Embedding;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Storage;
using Dify.Models;
using Dify.Storage.AzureStores;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Cloud;

/// <summary>
/// What the cloud composition must open asynchronously before use: the tables and containers (files and documents included), the run event log's writer,
/// and the ingestion pipeline's working knowledge file. Started once per instance (a hosted service starts it with the
/// host); services resolved before that wait for it.
/// </summary>
public sealed class CloudResources(
    AzureStoreAccount account, CloudTables tables, TableKnowledgeCatalog catalog, TableEdgeEventStore edgeEvents, IModelProviders models, IOptions<CloudKnowledgeOptions> knowledge,
    IOptions<CloudStorageOptions> storage, IOptions<IngestionOptions> ingestion, ILoggerFactory loggers)
    : IHostedService, IAsyncDisposable
{
    private readonly Lazy<Task<Opened>> _opened = new(() => OpenAsync(account, tables, catalog, edgeEvents, models, knowledge.Value, storage.Value, ingestion.Value, loggers));

    public sealed record Opened(TableRunEventLog Events, KnowledgeDatabase KnowledgeFile, KnowledgeIngestor Ingestor);

    public Task<Opened> GetAsync() => _opened.Value;

    /// <summary>For synchronous factories (DI): blocks only until the first start completes, off the caller's context.</summary>
    public Opened Get() => _opened.Value.IsCompletedSuccessfully ? _opened.Value.Result : Task.Run(GetAsync).GetAwaiter().GetResult();

    public Task StartAsync(CancellationToken cancellationToken) => GetAsync().WaitAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_opened.IsValueCreated && _opened.Value.IsCompletedSuccessfully) await _opened.Value.Result.Events.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Opened> OpenAsync(AzureStoreAccount account, CloudTables tables, TableKnowledgeCatalog catalog, TableEdgeEventStore edgeEvents, IModelProviders models, CloudKnowledgeOptions options,
        CloudStorageOptions storage, IngestionOptions ingestion, ILoggerFactory loggers)
    {
        await account.EnsureCreatedAsync().ConfigureAwait(false);
        await account.Blobs.CreateContainerIfNotExistsAsync(storage.FilesContainer).ConfigureAwait(false);
        await account.Blobs.CreateContainerIfNotExistsAsync(storage.DocumentsContainer).ConfigureAwait(false);
        await tables.EnsureCreatedAsync(CancellationToken.None).ConfigureAwait(false);
        await edgeEvents.EnsureCreatedAsync(CancellationToken.None).ConfigureAwait(false);
        await catalog.EnsureCreatedAsync(CancellationToken.None).ConfigureAwait(false);
        var events = await TableRunEventLog.OpenAsync(account, loggers.CreateLogger<TableRunEventLog>(), CancellationToken.None).ConfigureAwait(false);
        // The pipeline's working state (steps, chunks, embedding cache) is per instance; the search index is the shared result.
        var work = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "dify-knowledge");
        Directory.CreateDirectory(work);
        var file = await KnowledgeDatabase.OpenAsync(Path.Combine(work, "knowledge.db"), CancellationToken.None).ConfigureAwait(false);
        var embeddings = new EmbeddingRouter(new HashingEmbeddingModel(), models.Embeddings);
        var index = new SqliteKnowledgeIndex(file, embeddings, logger: loggers.CreateLogger<SqliteKnowledgeIndex>());
        var ingestor = new KnowledgeIngestor(file, index, embeddings, ingestion, loggers.CreateLogger<KnowledgeIngestor>());
        return new Opened(events, file, ingestor);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_opened.IsValueCreated) return;
        try
        {
            var opened = await _opened.Value.ConfigureAwait(false);
            await opened.Events.DisposeAsync().ConfigureAwait(false);
            await opened.KnowledgeFile.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never opened (storage unreachable at start): nothing to close.
        }
    }
}
