using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Knowledge.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Datasets;

/// <summary>Child chunks of a parent-child (hierarchical_model) document's segment: list, add, update, delete.</summary>
internal static class ChildChunkEndpoints
{
    private const string Route = "/datasets/{datasetId}/documents/{documentId}/segments/{segmentId}/child_chunks";

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet(Route, ListAsync);
        v1.MapPost(Route, AddAsync);
        v1.MapPatch(Route + "/{childChunkId}", UpdateAsync);
        v1.MapDelete(Route + "/{childChunkId}", DeleteAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, string datasetId, string documentId, string segmentId, DatasetApiBackend backend)
    {
        var ct = http.RequestAborted;
        var document = await DocumentAsync(backend, datasetId, documentId, ct);
        var keyword = RequestArgs.Query(http.Request, "keyword");
        var (page, limit) = JsonArgs.Paging(http.Request);
        var children = (await backend.Ingestor.ChildChunks.ListAsync(datasetId, documentId, segmentId, ct) ?? throw DatasetErrors.SegmentNotFound())
            .Where(c => keyword is null || c.Content.Contains(keyword, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var json = JsonArgs.Page(children, page, limit, c => SegmentJson.Child(c, segmentId, document));
        // Dify's child chunk list pages with total_pages instead of has_more.
        json.Remove("has_more");
        json["total_pages"] = (children.Count + limit - 1) / limit;
        return ApiJson.Result(json);
    }

    private static async Task<IResult> AddAsync(HttpContext http, string datasetId, string documentId, string segmentId, DatasetApiBackend backend, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var content = await ContentAsync(http, options.Value, ct);
        var document = await DocumentAsync(backend, datasetId, documentId, ct);
        var child = await Edit(() => backend.Ingestor.ChildChunks.AddAsync(datasetId, documentId, segmentId, content, ct)) ?? throw DatasetErrors.SegmentNotFound();
        return ApiJson.Result(new JsonObject { ["data"] = SegmentJson.Child(child, segmentId, document) });
    }

    private static async Task<IResult> UpdateAsync(
        HttpContext http, string datasetId, string documentId, string segmentId, string childChunkId, DatasetApiBackend backend, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var content = await ContentAsync(http, options.Value, ct);
        var document = await DocumentAsync(backend, datasetId, documentId, ct);
        _ = await backend.Ingestor.ChildChunks.ListAsync(datasetId, documentId, segmentId, ct) ?? throw DatasetErrors.SegmentNotFound();
        var child = await Edit(() => backend.Ingestor.ChildChunks.UpdateAsync(datasetId, documentId, segmentId, childChunkId, content, ct)) ?? throw ChildChunkNotFound();
        return ApiJson.Result(new JsonObject { ["data"] = SegmentJson.Child(child, segmentId, document) });
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string datasetId, string documentId, string segmentId, string childChunkId, DatasetApiBackend backend)
    {
        var ct = http.RequestAborted;
        _ = await DocumentAsync(backend, datasetId, documentId, ct);
        _ = await backend.Ingestor.ChildChunks.ListAsync(datasetId, documentId, segmentId, ct) ?? throw DatasetErrors.SegmentNotFound();
        return await backend.Ingestor.ChildChunks.DeleteAsync(datasetId, documentId, segmentId, childChunkId, ct) ? Results.NoContent() : throw ChildChunkNotFound();
    }

    /// <summary>The route's document, which must be a parent-child one.</summary>
    private static async Task<DocumentRecord> DocumentAsync(DatasetApiBackend backend, string datasetId, string documentId, CancellationToken ct)
    {
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var (document, attributes) = await DatasetAccess.DocumentAsync(backend, datasetId, documentId, ct);
        if (SegmentEndpoints.DocForm(attributes) != "hierarchical_model" && document.ProcessRule?["mode"]?.GetValue<string>() != "hierarchical")
            throw ApiErrors.InvalidParam("Child chunks exist only in parent-child (hierarchical_model) documents.");
        return document;
    }

    private static async Task<string> ContentAsync(HttpContext http, DatasetApiOptions options, CancellationToken ct)
    {
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.MaxJsonBodyBytes, ct);
        var content = JsonArgs.String(body, "content");
        return string.IsNullOrWhiteSpace(content) ? throw ApiErrors.InvalidParam("Content is empty") : content;
    }

    private static async Task<T?> Edit<T>(Func<Task<T?>> edit) where T : class
    {
        try
        {
            return await edit();
        }
        catch (InvalidOperationException e)
        {
            throw ApiErrors.NotFound(e.Message);
        }
    }

    private static ApiException ChildChunkNotFound() => ApiErrors.NotFound("Child chunk not found.");
}
