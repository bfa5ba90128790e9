using Azure.Core;

namespace Dify.Storage.Azure.Pipeline;

/// <summary>Retries 408, 429 and 5xx (except 501 and 505, which a retry cannot fix); everything else is final.</summary>
internal sealed class StorageResponseClassifier : ResponseClassifier
{
    public static readonly StorageResponseClassifier Shared = new();

    public override bool IsRetriableResponse(HttpMessage message)
    {
        var status = message.Response.Status;
        return status is 408 or 429 || (status >= 500 && status != 501 && status != 505);
    }

    public override bool IsErrorResponse(HttpMessage message) => message.Response.Status >= 400;
}
