using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Knowledge.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Datasets;

/// <summary>
/// <c>PATCH /datasets/{id}/documents/status/{enable|disable|archive|un_archive}</c> with <c>{"document_ids": [...]}</c>,
/// as Dify's batch_update_document_status: unknown ids are skipped, a document still indexing cannot change, disable
/// needs a completed document. The documents leave or rejoin retrieval at once; nothing is re-embedded.
/// </summary>
internal static class DocumentStatusEndpoints
{
    public static void Map(RouteGroupBuilder v1) => v1.MapPatch("/datasets/{datasetId}/documents/status/{action}", UpdateAsync);

    private static async Task<IResult> UpdateAsync(HttpContext http, string datasetId, string action, IDatasetBackend backend, IDatasetSegmentBackend segments, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        (bool? Enabled, bool? Archived) change = action switch
        {
            "enable" => (true, null),
            "disable" => (false, null),
            "archive" => (null, true),
            "un_archive" => (null, false),
            _ => throw InvalidAction($"Invalid action: {action}. Use enable, disable, archive or un_archive."),
        };
        var ids = new List<string>();
        foreach (var item in JsonArgs.Array(body, "document_ids") ?? throw ApiErrors.InvalidParam("document_ids is required"))
            ids.Add(item is JsonValue v && v.TryGetValue<string>(out var id) ? id : throw ApiErrors.InvalidParam("document_ids must be a list of strings"));

        // Check every document first, so a refused batch changes nothing.
        var documents = new List<DocumentRecord>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (await backend.GetDocumentAsync(datasetId, id, ct) is not { } document) continue;
            if (document.Status is not (DocumentStatus.Completed or DocumentStatus.Error))
                throw InvalidAction($"Document: {document.Name} is being indexed, please try again later");
            if (action is "disable" or "un_archive" && document.Status != DocumentStatus.Completed)
                throw InvalidAction($"Document: {document.Name} is not completed.");
            documents.Add(document);
        }
        foreach (var document in documents)
            await segments.SetDocumentStatusAsync(document, change.Enabled, change.Archived, ct);
        return ApiJson.Result(new JsonObject { ["result"] = "success" });
    }

    private static ApiException InvalidAction(string message) => new(400, "invalid_action", message);
}
