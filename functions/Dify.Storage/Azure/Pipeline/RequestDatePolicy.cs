using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Dify.Storage.Azure.Pipeline;

/// <summary>Stamps <c>x-ms-date</c> on every try (a retry is signed anew with a fresh date).</summary>
internal sealed class RequestDatePolicy : HttpPipelineSynchronousPolicy
{
    public static readonly RequestDatePolicy Shared = new();

    public override void OnSendingRequest(HttpMessage message) =>
        message.Request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture));
}
