using Azure.Core;
using Azure.Core.Pipeline;

namespace Dify.Storage.Azure.Pipeline;

/// <summary>Stamps <c>x-ms-version</c> on every request.</summary>
internal sealed class ApiVersionPolicy(string apiVersion) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("x-ms-version", apiVersion);
}
