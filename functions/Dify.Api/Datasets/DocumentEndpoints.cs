using System.Text;
using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Knowledge.Extraction;
using Dify.Knowledge.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Datasets;

/// <summary>Documents of a dataset: create/update by text or file, list, get, delete, indexing-status.</summary>
internal static class DocumentEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        foreach (var (dash, underscore) in new[] { ("create-by-text", "create_by_text"), ("create-by-file", "create_by_file") })
        {
            var handler = dash.EndsWith("text", StringComparison.Ordinal) ? (Delegate)CreateByTextAsync : CreateByFileAsync;
            v1.MapPost($"/datasets/{{datasetId}}/document/{dash}", handler);
            v1.MapPost($"/datasets/{{datasetId}}/document/{underscore}", handler);
        }
        foreach (var (dash, underscore) in new[] { ("update-by-text", "update_by_text"), ("update-by-file", "update_by_file") })
        {
            var handler = dash.EndsWith("text", StringComparison.Ordinal) ? (Delegate)UpdateByTextAsync : UpdateByFileAsync;
            v1.MapPost($"/datasets/{{datasetId}}/documents/{{documentId}}/{dash}", handler);
            v1.MapPost($"/datasets/{{datasetId}}/documents/{{documentId}}/{underscore}", handler);
        }
        v1.MapGet("/datasets/{datasetId}/documents", ListAsync);
        v1.MapGet("/datasets/{datasetId}/documents/{documentId}", GetAsync);
        v1.MapDelete("/datasets/{datasetId}/documents/{documentId}", DeleteAsync);
        v1.MapGet("/datasets/{datasetId}/documents/{batch}/indexing-status", IndexingStatusAsync);
    }

    private static Task<IResult> CreateByTextAsync(HttpContext http, string datasetId, DocumentSubmission submission, IOptions<DatasetApiOptions> options) =>
        ByTextAsync(http, datasetId, null, submission, options.Value);

    private static Task<IResult> UpdateByTextAsync(HttpContext http, string datasetId, string documentId, DocumentSubmission submission, IOptions<DatasetApiOptions> options) =>
        ByTextAsync(http, datasetId, documentId, submission, options.Value);

    private static Task<IResult> CreateByFileAsync(HttpContext http, string datasetId, DocumentSubmission submission, IOptions<DatasetApiOptions> options) =>
        ByFileAsync(http, datasetId, null, submission, options.Value);

    private static Task<IResult> UpdateByFileAsync(HttpContext http, string datasetId, string documentId, DocumentSubmission submission, IOptions<DatasetApiOptions> options) =>
        ByFileAsync(http, datasetId, documentId, submission, options.Value);

    private static async Task<IResult> ByTextAsync(HttpContext http, string datasetId, string? documentId, DocumentSubmission submission, DatasetApiOptions options)
    {
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.MaxJsonBodyBytes, http.RequestAborted);
        var name = documentId is null ? JsonArgs.RequiredString(body, "name") : JsonArgs.String(body, "name");
        var text = JsonArgs.String(body, "text") ?? throw ApiErrors.InvalidParam("text is required");
        var bytes = Encoding.UTF8.GetBytes(text);
        using var content = new MemoryStream(bytes, writable: false);
        // Like Dify's upload_text: the text is a .txt upload_file whatever the document's name.
        return await submission.SubmitAsync(http, datasetId, documentId, body, new DocumentSource(name, content, "text.txt", bytes.Length, "txt", "text/plain"));
    }

    private static async Task<IResult> ByFileAsync(HttpContext http, string datasetId, string? documentId, DocumentSubmission submission, DatasetApiOptions options)
    {
        if (!http.Request.HasFormContentType) throw DatasetErrors.NoFileUploaded();
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (form.Files.Count == 0) throw DatasetErrors.NoFileUploaded();
        if (form.Files.Count > 1) throw DatasetErrors.TooManyFiles();
        var file = form.Files[0];
        var fileName = Path.GetFileName(file.FileName ?? "");
        if (fileName.Length == 0) throw DatasetErrors.FilenameMissing();
        if (file.Length > options.MaxFileBytes) throw DatasetErrors.FileTooLarge(options.MaxFileBytes);
        if (!DocumentText.IsSupported(fileName)) throw DatasetErrors.UnsupportedFileType();
        var data = form["data"].ToString();
        var settings = data.Length == 0 ? [] : JsonArgs.Parse(Encoding.UTF8.GetBytes(data));
        await using var content = file.OpenReadStream();
        var extension = Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        return await submission.SubmitAsync(http, datasetId, documentId, settings,
            new DocumentSource(fileName, content, fileName, file.Length, extension, file.ContentType ?? "application/octet-stream"));
    }

    private static async Task<IResult> ListAsync(HttpContext http, string datasetId, IDatasetBackend backend)
    {
        var ct = http.RequestAborted;
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var (page, limit) = JsonArgs.Paging(http.Request);
        var keyword = RequestArgs.Query(http.Request, "keyword");
        var status = RequestArgs.Query(http.Request, "status");
        var attributes = await backend.ListDocumentAttributesAsync(datasetId, ct);
        var fields = await backend.MetadataFieldsAsync(datasetId, ct);
        var all = (await backend.ListDocumentsAsync(datasetId, ct))
            .Where(d => keyword is null || d.Name.Contains(keyword, StringComparison.OrdinalIgnoreCase))
            .Where(d => status is null || DocumentJson.DisplayStatus(d) == status || (status == "queuing" && d.Status == DocumentStatus.Waiting))
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => Position(attributes.GetValueOrDefault(d.Id)))
            .ToList();
        return ApiJson.Result(JsonArgs.Page(all, page, limit, d => DocumentJson.Write(d, attributes.GetValueOrDefault(d.Id), fields)));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string datasetId, string documentId, IDatasetBackend backend)
    {
        var ct = http.RequestAborted;
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var (document, attributes) = await DatasetAccess.DocumentAsync(backend, datasetId, documentId, ct);
        var fields = await backend.MetadataFieldsAsync(datasetId, ct);
        var json = DocumentJson.Write(document, attributes, fields);
        json["dataset_process_rule"] = document.ProcessRule?.DeepClone();
        json["document_process_rule"] = document.ProcessRule?.DeepClone();
        json["segment_count"] = document.TotalSegments;
        json["average_segment_length"] = document.TotalSegments == 0 ? 0 : document.WordCount / document.TotalSegments;
        json["completed_at"] = document.CompletedAt;
        json["updated_at"] = document.CompletedAt ?? document.CreatedAt;
        json["indexing_latency"] = document is { CompletedAt: { } done, ProcessingStartedAt: { } started } ? done - started : null;
        json["doc_type"] = null;
        return ApiJson.Result(json);
    }

    private static async Task<IResult> DeleteAsync(
        HttpContext http, string datasetId, string documentId, IDatasetBackend backend)
    {
        var ct = http.RequestAborted;
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        _ = await DatasetAccess.DocumentAsync(backend, datasetId, documentId, ct);
        await backend.DeleteDocumentAsync(datasetId, documentId, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> IndexingStatusAsync(HttpContext http, string datasetId, string batch, IDatasetBackend backend)
    {
        var ct = http.RequestAborted;
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var attributes = await backend.ListDocumentAttributesAsync(datasetId, ct);
        var documents = (await backend.ListDocumentsAsync(datasetId, ct))
            .Where(d => attributes.GetValueOrDefault(d.Id)?["batch"]?.GetValue<string>() == batch)
            .ToList();
        // Lenient: a document id finds that document's latest batch.
        if (documents.Count == 0 && await backend.GetDocumentAsync(datasetId, batch, ct) is { } byId) documents.Add(byId);
        if (documents.Count == 0) throw ApiErrors.NotFound("Documents not found.");
        var data = new JsonArray();
        foreach (var d in documents) data.Add(DocumentJson.IndexingStatus(d));
        return ApiJson.Result(new JsonObject { ["data"] = data });
    }

    private static int Position(JsonObject? attributes) => attributes?["position"]?.GetValue<int>() ?? 0;
}
