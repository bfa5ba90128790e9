using System.Text;
using Azure;
using Azure.Core;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Pipeline;
using Dify.Storage.Azure.Tables;

namespace Dify.Storage.AzureStores.Tables;

/// <summary>
/// Sends <see cref="TableTransaction"/>s as Table service <c>POST /$batch</c> requests (multipart/mixed with
/// one changeset). The service applies all operations or none; a failed operation surfaces as a
/// <see cref="StorageRequestException"/> carrying that operation's status and error code.
/// </summary>
public sealed class TableTransactionClient
{
    private readonly StoragePipeline _pipeline;

    internal TableTransactionClient(Uri tableEndpoint, object? credential, StorageClientOptions options) =>
        _pipeline = new StoragePipeline(tableEndpoint, credential, StorageService.Table, options);

    /// <summary>Commits the transaction; returns the new ETag of each operation, in order (default for deletes).</summary>
    public async Task<IReadOnlyList<ETag>> SubmitAsync(TableTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Count == 0) return [];
        var batch = "batch_" + Guid.NewGuid().ToString("N");
        var changeset = "changeset_" + Guid.NewGuid().ToString("N");
        using var message = _pipeline.CreateMessage(RequestMethod.Post, "$batch");
        var request = message.Request;
        request.Headers.SetValue("Accept", "application/json;odata=minimalmetadata");
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.SetValue("Content-Type", $"multipart/mixed; boundary={batch}");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(TableBatchBody.Write(_pipeline.Endpoint, transaction, batch, changeset)));

        var response = await _pipeline.SendAsync(message, [202], cancellationToken).ConfigureAwait(false);
        var body = response.Content.ToString();
        response.Headers.TryGetValue("x-ms-request-id", out var requestId);
        var parts = TableBatchBody.ReadResponses(body);
        foreach (var part in parts)
        {
            if (part.Status is < 200 or >= 300) throw Failure(transaction, part, requestId);
        }
        if (parts.Count != transaction.Count)
        {
            throw new StorageRequestException(response.Status, null, requestId, $"POST $batch answered {parts.Count} responses for {transaction.Count} operations.");
        }
        return parts.Select(p => p.ETag is null ? default : new ETag(p.ETag)).ToList();
    }

    private static StorageRequestException Failure(TableTransaction transaction, TableBatchBody.Part part, string? requestId)
    {
        var (code, text) = TableBatchBody.ReadError(part.Body);
        // The service prefixes the message with the failed operation's index: "2:The specified entity already exists."
        var index = text is not null && text.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon && int.TryParse(text.AsSpan(0, colon), out var i) ? i : -1;
        var what = index >= 0 && index < transaction.Count ? $" (operation {index}: {transaction.Operations[index].Kind} {transaction.Operations[index].RowKey})" : "";
        return new StorageRequestException(part.Status, code, requestId,
            $"POST {transaction.Table} $batch failed with {part.Status}{(code is null ? "" : $" ({code})")}{what}: {text?.Split('\n')[0].Trim()}");
    }
}
