using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Dify.Storage.Azure.Connection;

namespace Dify.Storage.Azure.Pipeline;

/// <summary>
/// Shared Key for the Table service (<c>VERB\nContent-MD5\nContent-Type\nDate\nResource</c>) or
/// SharedKeyLite (<c>Date\nResource</c>); the resource keeps only the <c>comp</c> query parameter.
/// Runs per try, after <see cref="RequestDatePolicy"/>.
/// </summary>
internal sealed class TableSharedKeyPolicy(StorageSharedKeyCredential credential, bool lite) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var builder = new StringBuilder(128);
        if (!lite)
        {
            builder.Append(request.Method.Method).Append('\n')
                .Append(Header(request, "Content-MD5")).Append('\n')
                .Append(Header(request, "Content-Type")).Append('\n');
        }
        builder.Append(Header(request, "x-ms-date")).Append('\n');
        CanonicalizedResource.AppendWithCompOnly(builder, credential.AccountName, request.Uri.ToUri());
        var scheme = lite ? "SharedKeyLite" : "SharedKey";
        request.Headers.SetValue("Authorization", $"{scheme} {credential.AccountName}:{credential.Sign(builder.ToString())}");
    }

    private static string Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : "";
}
