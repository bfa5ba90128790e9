using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Dify.Storage.Azure.Connection;

namespace Dify.Storage.Azure.Pipeline;

/// <summary>
/// Shared Key for the Blob (and Queue) service, version 2015-02-21 and later:
/// VERB, eleven standard headers, the <c>x-ms-*</c> headers, then the resource, joined by newlines.
/// Runs per try, after <see cref="RequestDatePolicy"/>.
/// </summary>
internal sealed class BlobSharedKeyPolicy(StorageSharedKeyCredential credential) : HttpPipelineSynchronousPolicy
{
    private static readonly string[] StandardHeaders =
    [
        "Content-Encoding", "Content-Language", "Content-Length", "Content-MD5", "Content-Type", "Date",
        "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range",
    ];

    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var builder = new StringBuilder(256);
        builder.Append(request.Method.Method).Append('\n');
        foreach (var header in StandardHeaders)
        {
            builder.Append(header == "Content-Length" ? ContentLength(request) : Header(request, header)).Append('\n');
        }
        AppendCanonicalizedHeaders(builder, request);
        CanonicalizedResource.AppendWithAllQueryParameters(builder, credential.AccountName, request.Uri.ToUri());
        request.Headers.SetValue("Authorization", $"SharedKey {credential.AccountName}:{credential.Sign(builder.ToString())}");
    }

    private static string ContentLength(Request request) =>
        request.Content is not null && request.Content.TryComputeLength(out var length) && length > 0
            ? length.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : "";

    private static string Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : "";

    private static void AppendCanonicalizedHeaders(StringBuilder builder, Request request)
    {
        var headers = new List<(string Name, string Value)>();
        foreach (var header in request.Headers)
        {
            if (header.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add((header.Name.ToLowerInvariant(), header.Value.Trim()));
            }
        }
        headers.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
    }
}
