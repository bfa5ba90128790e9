using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Datasets;

/// <summary>Segments of a document: list, add, get, update (content, enabled), delete.</summary>
internal static class SegmentEndpoints
{
    private const string Route = "/datasets/{datasetId}/documents/{documentId}/segments";

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet(Route, ListAsync);
        v1.MapPost(Route, AddAsync);
        v1.MapGet(Route + "/{segmentId}", GetAsync);
        v1.MapPost(Route + "/{segmentId}", UpdateAsync);
        v1.MapPatch(Route + "/{segmentId}", UpdateAsync);
        v1.MapDelete(Route + "/{segmentId}", DeleteAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, string datasetId, string documentId, IDatasetBackend backend, IDatasetSegmentBackend segments)
    {
        var ct = http.RequestAborted;
        var (_, document, attributes) = await DocumentAsync(backend, datasetId, documentId, ct);
        var (page, limit) = JsonArgs.Paging(http.Request);
        var keyword = RequestArgs.Query(http.Request, "keyword");
        var statuses = http.Request.Query["status"].Concat(http.Request.Query["status[]"]).Where(s => !string.IsNullOrEmpty(s)).ToHashSet();
        var all = (await segments.ListAsync(datasetId, documentId, ct))
            .Where(s => keyword is null || s.Content.Contains(keyword, StringComparison.OrdinalIgnoreCase))
            .Where(s => statuses.Count == 0 || statuses.Contains(s.Indexed ? "completed" : "indexing"))
            .ToList();
        var createdBy = attributes["created_by"]?.GetValue<string>();
        var json = JsonArgs.Page(all, page, limit, s => SegmentJson.Write(s, document, createdBy));
        json["doc_form"] = DocForm(attributes);
        return ApiJson.Result(json);
    }

    private static async Task<IResult> AddAsync(
        HttpContext http, string datasetId, string documentId, IDatasetBackend backend, IDatasetSegmentBackend segments, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        var (dataset, document, attributes) = await DocumentAsync(backend, datasetId, documentId, ct);
        var contents = new List<SegmentDraft>();
        var qa = DocForm(attributes) == "qa_model";
        foreach (var item in JsonArgs.Array(body, "segments") ?? throw ApiErrors.InvalidParam("segments is required"))
        {
            if (item is not JsonObject segment) throw ApiErrors.InvalidParam("segments must be a list of objects");
            var content = JsonArgs.String(segment, "content");
            if (string.IsNullOrWhiteSpace(content)) throw ApiErrors.InvalidParam("Content is empty");
            var answer = JsonArgs.String(segment, "answer");
            if (qa && string.IsNullOrWhiteSpace(answer)) throw ApiErrors.InvalidParam("Answer is empty");
            contents.Add(new SegmentDraft(content, answer, Keywords(segment, $"segments[{contents.Count}].keywords")));
        }
        if (contents.Count == 0) throw ApiErrors.InvalidParam("segments is required");
        if (!document.Enabled) throw new ApiException(403, "forbidden", "Document is disabled.");
        if (document.Status != DocumentStatus.Completed) throw ApiErrors.NotFound("Document is not completed.");
        var added = await Edit(() => segments.AddAsync(dataset, document, contents, ct));
        document = await backend.GetDocumentAsync(datasetId, documentId, ct) ?? document;
        var createdBy = attributes["created_by"]?.GetValue<string>();
        var data = new JsonArray();
        foreach (var s in added) data.Add(SegmentJson.Write(s, document, createdBy));
        return ApiJson.Result(new JsonObject { ["data"] = data, ["doc_form"] = DocForm(attributes) });
    }

    private static async Task<IResult> GetAsync(
        HttpContext http, string datasetId, string documentId, string segmentId, IDatasetBackend backend, IDatasetSegmentBackend segments)
    {
        var ct = http.RequestAborted;
        var (_, document, attributes) = await DocumentAsync(backend, datasetId, documentId, ct);
        var segment = await segments.GetAsync(datasetId, documentId, segmentId, ct) ?? throw DatasetErrors.SegmentNotFound();
        return ApiJson.Result(new JsonObject
        {
            ["data"] = SegmentJson.Write(segment, document, attributes["created_by"]?.GetValue<string>()),
            ["doc_form"] = DocForm(attributes),
        });
    }

    private static async Task<IResult> UpdateAsync(
        HttpContext http, string datasetId, string documentId, string segmentId, IDatasetBackend backend, IDatasetSegmentBackend segments, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        var (dataset, document, attributes) = await DocumentAsync(backend, datasetId, documentId, ct);
        var segment = JsonArgs.Object(body, "segment") ?? throw ApiErrors.InvalidParam("segment is required");
        var content = JsonArgs.String(segment, "content");
        if (content is not null && string.IsNullOrWhiteSpace(content)) throw ApiErrors.InvalidParam("Content is empty");
        var enabled = JsonArgs.Bool(segment, "enabled");
        var edit = new SegmentEdit(content, enabled, JsonArgs.String(segment, "answer"), Keywords(segment, "segment.keywords"));
        if (await segments.GetAsync(datasetId, documentId, segmentId, ct) is null) throw DatasetErrors.SegmentNotFound();
        var updated = await Edit(() => segments.UpdateAsync(dataset, document, segmentId, edit, ct))
                      ?? throw DatasetErrors.SegmentNotFound();
        document = await backend.GetDocumentAsync(datasetId, documentId, ct) ?? document;
        return ApiJson.Result(new JsonObject
        {
            ["data"] = SegmentJson.Write(updated, document, attributes["created_by"]?.GetValue<string>()),
            ["doc_form"] = DocForm(attributes),
        });
    }

    private static async Task<IResult> DeleteAsync(
        HttpContext http, string datasetId, string documentId, string segmentId, IDatasetBackend backend, IDatasetSegmentBackend segments)
    {
        var ct = http.RequestAborted;
        var (_, document, _) = await DocumentAsync(backend, datasetId, documentId, ct);
        return await segments.DeleteAsync(document, segmentId, ct) ? Results.NoContent() : throw DatasetErrors.SegmentNotFound();
    }

    private static async Task<(DatasetRecord, DocumentRecord, JsonObject)> DocumentAsync(IDatasetBackend backend, string datasetId, string documentId, CancellationToken ct)
    {
        var (dataset, _) = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var (document, attributes) = await DatasetAccess.DocumentAsync(backend, datasetId, documentId, ct);
        return (dataset, document, attributes);
    }

    /// <summary>Edits need a completed document (Dify answers 404 "Document is not completed.").</summary>
    private static async Task<T> Edit<T>(Func<Task<T>> edit)
    {
        try
        {
            return await edit();
        }
        catch (InvalidOperationException e)
        {
            throw ApiErrors.NotFound(e.Message);
        }
        catch (ArgumentException)
        {
            throw DatasetErrors.DocumentNotFound();
        }
    }

    private static List<string>? Keywords(JsonObject segment, string where)
    {
        if (segment["keywords"] is null) return null;
        if (segment["keywords"] is not JsonArray keywords) throw ApiErrors.InvalidParam($"{where} must be a list of strings");
        return keywords.Select(k => k is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw ApiErrors.InvalidParam($"{where} must be a list of strings")).ToList();
    }

    internal static string DocForm(JsonObject attributes) => attributes["doc_form"]?.GetValue<string>() ?? "text_model";
}
