using Microsoft.Extensions.Logging;

namespace Dify.Knowledge.AzureSearch;

internal static partial class AzureSearchLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Azure AI Search index {IndexName} is ready ({Dimensions}-dimension vectors)")]
    public static partial void IndexReady(ILogger logger, string indexName, int dimensions);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Debug, Message = "Indexed {Count} chunks into {IndexName} in {Batches} batches")]
    public static partial void Indexed(ILogger logger, int count, string indexName, int batches);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "{Failed} of {Count} documents were not indexed into {IndexName} (status {Status}); retry {Attempt}")]
    public static partial void PartialFailure(ILogger logger, int failed, int count, string indexName, int status, int attempt);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Removed {Count} chunks of {DatasetId}/{DocumentId} from {IndexName}")]
    public static partial void DocumentRemoved(ILogger logger, int count, string datasetId, string documentId, string indexName);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Warning, Message = "Search on {IndexName} failed: {Error}")]
    public static partial void SearchFailed(ILogger logger, string indexName, string error);
}
