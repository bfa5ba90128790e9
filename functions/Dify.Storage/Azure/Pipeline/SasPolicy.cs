using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Dify.Storage.Azure.Pipeline;

/// <summary>Appends the SAS token to the query of every request (once per call, so retries reuse it).</summary>
internal sealed class SasPolicy(AzureSasCredential credential) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var signature = credential.Signature.TrimStart('?');
        var query = message.Request.Uri.Query;
        message.Request.Uri.Query = string.IsNullOrEmpty(query) || query == "?" ? "?" + signature : query + "&" + signature;
    }
}
