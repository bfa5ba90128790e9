using Microsoft.Extensions.Logging;

namespace Dify.Knowledge;

internal static partial class KnowledgeLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Loaded the search view of dataset {DatasetId}: {Chunks} chunks in {Milliseconds:F1} ms")]
    public static partial void ViewLoaded(ILogger logger, string datasetId, int chunks, double milliseconds);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Document {DatasetId}/{DocumentId} is {Status} ({Completed}/{Total} segments)")]
    public static partial void DocumentStatus(ILogger logger, string datasetId, string documentId, string status, int completed, int total);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Ingestion of {DatasetId}/{DocumentId} failed: {Error}")]
    public static partial void IngestionFailed(ILogger logger, Exception exception, string datasetId, string documentId, string error);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Embedding provider {Provider} is rate limiting (429); retry {Attempt} in {DelayMs} ms")]
    public static partial void RateLimited(ILogger logger, string provider, int attempt, double delayMs);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Document {DatasetId}/{DocumentId} is unchanged; nothing to do")]
    public static partial void Unchanged(ILogger logger, string datasetId, string documentId);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Folder watcher could not process {Path}")]
    public static partial void WatcherFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Published {DatasetId}/{DocumentId} to the index writer: {Chunks} chunks ({Removed} old removed)")]
    public static partial void WriterPublished(ILogger logger, string datasetId, string documentId, int chunks, int removed);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information, Message = "Removed {DatasetId}/{DocumentId} from the index writer ({Removed} chunks)")]
    public static partial void WriterRemoved(ILogger logger, string datasetId, string documentId, int removed);
}
