using Azure;

namespace Dify.Storage.Azure;

/// <summary>
/// Every failure of a storage call: an error status from the service (after retries), or a transport
/// failure (<see cref="RequestFailedException.Status"/> 0). <see cref="RequestFailedException.ErrorCode"/>
/// comes from <c>x-ms-error-code</c> or the error body (<c>ConditionNotMet</c>, <c>BlobAlreadyExists</c>,
/// <c>EntityAlreadyExists</c>, ...). Messages carry the method and the URL path, never the query
/// (which may hold a SAS token) nor any key.
/// </summary>
public sealed class StorageRequestException : RequestFailedException
{
    public StorageRequestException(int status, string? errorCode, string? requestId, string message, Exception? innerException = null)
        : base(status, message, errorCode, innerException)
    {
        RequestId = requestId;
    }

    /// <summary>The service's <c>x-ms-request-id</c>, when a response arrived.</summary>
    public string? RequestId { get; }
}
