using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Knowledge.Datasets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Datasets;

/// <summary>
/// Dify's knowledge tags: <c>/datasets/tags</c> CRUD, binding and unbinding, and a dataset's tags. Mapped where the host
/// registers <see cref="KnowledgeTags"/> (the knowledge file locally, Table storage in Azure).
/// </summary>
internal static class TagEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/datasets/tags", ListAsync);
        v1.MapPost("/datasets/tags", CreateAsync);
        v1.MapPatch("/datasets/tags", RenameAsync);
        v1.MapDelete("/datasets/tags", DeleteAsync);
        v1.MapPost("/datasets/tags/binding", BindAsync);
        v1.MapPost("/datasets/tags/unbinding", UnbindAsync);
        v1.MapGet("/datasets/{datasetId}/tags", DatasetTagsAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IDatasetBackend backend, KnowledgeTags tags)
    {
        var ct = http.RequestAborted;
        var counts = await BindingCountsAsync(backend, tags, ct);
        var list = new JsonArray();
        foreach (var tag in await tags.ListAsync(ct)) list.Add(Tag(tag, counts.GetValueOrDefault(tag.Id)));
        return ApiJson.Result(list);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IDatasetBackend backend, KnowledgeTags tags, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        var tag = await tags.CreateAsync(Name(body), ct);
        return ApiJson.Result(Tag(tag, 0));
    }

    private static async Task<IResult> RenameAsync(HttpContext http, IDatasetBackend backend, KnowledgeTags tags, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        var name = Name(body);
        var tag = await tags.RenameAsync(JsonArgs.RequiredString(body, "tag_id"), name, ct) ?? throw TagNotFound();
        return ApiJson.Result(Tag(tag, (await BindingCountsAsync(backend, tags, ct)).GetValueOrDefault(tag.Id)));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, IDatasetBackend backend, KnowledgeTags tags, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        return await tags.DeleteAsync(JsonArgs.RequiredString(body, "tag_id"), ct) ? Results.NoContent() : throw TagNotFound();
    }

    /// <summary><c>{"tag_ids": [...], "target_id": dataset}</c>.</summary>
    private static async Task<IResult> BindAsync(HttpContext http, IDatasetBackend backend, KnowledgeTags tags, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        var ids = (JsonArgs.Array(body, "tag_ids") ?? throw ApiErrors.InvalidParam("tag_ids is required"))
            .Select(t => t is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw ApiErrors.InvalidParam("tag_ids must be a list of strings")).ToList();
        var datasetId = JsonArgs.RequiredString(body, "target_id");
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        try
        {
            await tags.BindAsync(datasetId, ids, [], ct);
        }
        catch (KeyNotFoundException e)
        {
            throw ApiErrors.NotFound(e.Message);
        }
        return Results.NoContent();
    }

    /// <summary><c>{"tag_id", "target_id": dataset}</c>.</summary>
    private static async Task<IResult> UnbindAsync(HttpContext http, IDatasetBackend backend, KnowledgeTags tags, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        var datasetId = JsonArgs.RequiredString(body, "target_id");
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        await tags.BindAsync(datasetId, [], [JsonArgs.RequiredString(body, "tag_id")], ct);
        return Results.NoContent();
    }

    private static async Task<IResult> DatasetTagsAsync(HttpContext http, string datasetId, IDatasetBackend backend, KnowledgeTags tags)
    {
        var ct = http.RequestAborted;
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var data = new JsonArray();
        foreach (var tag in await tags.DatasetTagsAsync(datasetId, ct)) data.Add(new JsonObject { ["id"] = tag.Id, ["name"] = tag.Name });
        return ApiJson.Result(new JsonObject { ["data"] = data, ["total"] = data.Count });
    }

    private static async Task<Dictionary<string, int>> BindingCountsAsync(IDatasetBackend backend, KnowledgeTags tags, CancellationToken ct)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var dataset in await backend.ListDatasetsAsync(ct))
            foreach (var id in await tags.BoundAsync(dataset.Id, ct))
                counts[id] = counts.GetValueOrDefault(id) + 1;
        return counts;
    }

    private static string Name(JsonObject body)
    {
        var name = JsonArgs.String(body, "name")?.Trim();
        return name is { Length: >= 1 and <= 50 } ? name : throw ApiErrors.InvalidParam("Name must be between 1 to 50 characters.");
    }

    // Dify's tag list reports binding_count as a string.
    private static JsonObject Tag(KnowledgeTag tag, int count) => new() { ["id"] = tag.Id, ["name"] = tag.Name, ["type"] = "knowledge", ["binding_count"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static ApiException TagNotFound() => ApiErrors.NotFound("Tag not found.");
}
