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
/// Dify's knowledge metadata API: fields (list, create, rename, delete), the built-in fields (list, enable, disable)
/// and values per document. retrieve's metadata_filtering_conditions filter on these values by field name. Mapped
/// where the host registers a <see cref="DatasetMetadata"/> (the knowledge file locally, Table storage and AI Search in Azure).
/// </summary>
internal static class MetadataEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/datasets/{datasetId}/metadata", ListAsync);
        v1.MapPost("/datasets/{datasetId}/metadata", CreateAsync);
        v1.MapGet("/datasets/{datasetId}/metadata/built-in", BuiltInAsync);
        v1.MapPost("/datasets/{datasetId}/metadata/built-in/{action}", SetBuiltInAsync);
        v1.MapPatch("/datasets/{datasetId}/metadata/{metadataId}", RenameAsync);
        v1.MapDelete("/datasets/{datasetId}/metadata/{metadataId}", DeleteAsync);
        v1.MapPost("/datasets/{datasetId}/documents/metadata", SetValuesAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, string datasetId, IDatasetBackend backend, DatasetMetadata metadata)
    {
        var ct = http.RequestAborted;
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var (fields, builtIn) = await metadata.ListAsync(datasetId, ct);
        var documents = await backend.ListDocumentsAsync(datasetId, ct);
        var list = new JsonArray();
        foreach (var f in fields)
        {
            var json = Field(f);
            json["count"] = documents.Count(d => d.Metadata?.ContainsKey(f.Name) == true);
            list.Add(json);
        }
        return ApiJson.Result(new JsonObject { ["doc_metadata"] = list, ["built_in_field_enabled"] = builtIn });
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string datasetId, IDatasetBackend backend, DatasetMetadata metadata, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var field = await Run(() => metadata.CreateAsync(datasetId, JsonArgs.RequiredString(body, "name"), JsonArgs.RequiredString(body, "type"), ct));
        return ApiJson.Result(Field(field), StatusCodes.Status201Created);
    }

    private static async Task<IResult> RenameAsync(HttpContext http, string datasetId, string metadataId, IDatasetBackend backend, DatasetMetadata metadata, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        return ApiJson.Result(Field(await Run(() => metadata.RenameAsync(datasetId, metadataId, JsonArgs.RequiredString(body, "name"), ct))));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string datasetId, string metadataId, IDatasetBackend backend, DatasetMetadata metadata)
    {
        var ct = http.RequestAborted;
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        await Run(() => metadata.DeleteAsync(datasetId, metadataId, ct));
        return Results.NoContent();
    }

    private static async Task<IResult> BuiltInAsync(HttpContext http, string datasetId, IDatasetBackend backend, DatasetMetadata metadata)
    {
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, http.RequestAborted);
        var fields = new JsonArray();
        foreach (var (name, type) in DatasetMetadata.BuiltInFields) fields.Add(new JsonObject { ["name"] = name, ["type"] = type });
        return ApiJson.Result(new JsonObject { ["fields"] = fields });
    }

    private static async Task<IResult> SetBuiltInAsync(HttpContext http, string datasetId, string action, IDatasetBackend backend, DatasetMetadata metadata)
    {
        var ct = http.RequestAborted;
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var enabled = action switch
        {
            "enable" => true,
            "disable" => false,
            _ => throw ApiErrors.InvalidParam($"Invalid action: {action}. Use enable or disable."),
        };
        var attributes = await backend.ListDocumentAttributesAsync(datasetId, ct);
        await metadata.SetBuiltInAsync(datasetId, enabled, attributes, ct);
        return ApiJson.Result(new JsonObject { ["result"] = "success" });
    }

    /// <summary><c>{"operation_data": [{"document_id", "metadata_list": [{"id", "value", "name"}]}]}</c>: each document's values are replaced.</summary>
    private static async Task<IResult> SetValuesAsync(HttpContext http, string datasetId, IDatasetBackend backend, DatasetMetadata metadata, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var operations = new List<(string DocumentId, List<MetadataValue> Values)>();
        foreach (var (item, i) in (JsonArgs.Array(body, "operation_data") ?? throw ApiErrors.InvalidParam("operation_data is required")).Select((x, i) => (x, i)))
        {
            if (item is not JsonObject operation) throw ApiErrors.InvalidParam($"operation_data[{i}] must be an object");
            var values = new List<MetadataValue>();
            foreach (var (entry, j) in (JsonArgs.Array(operation, "metadata_list") ?? throw ApiErrors.InvalidParam($"operation_data[{i}].metadata_list is required")).Select((x, j) => (x, j)))
            {
                if (entry is not JsonObject e) throw ApiErrors.InvalidParam($"operation_data[{i}].metadata_list[{j}] must be an object");
                values.Add(new MetadataValue(JsonArgs.RequiredString(e, "id"), e["value"]?.DeepClone()));
            }
            operations.Add((JsonArgs.RequiredString(operation, "document_id"), values));
        }
        var attributes = await backend.ListDocumentAttributesAsync(datasetId, ct);
        foreach (var (documentId, values) in operations)
        {
            _ = await Run(() => metadata.SetValuesAsync(datasetId, documentId, values, attributes.GetValueOrDefault(documentId), ct))
                ?? throw DatasetErrors.DocumentNotFound();
        }
        return ApiJson.Result(new JsonObject { ["result"] = "success" });
    }

    private static JsonObject Field(MetadataField f) => new() { ["id"] = f.Id, ["name"] = f.Name, ["type"] = f.Type };

    private static async Task<T> Run<T>(Func<Task<T>> edit)
    {
        try
        {
            return await edit();
        }
        catch (MetadataException e) when (e.NotFound)
        {
            throw ApiErrors.NotFound(e.Message);
        }
        catch (MetadataException e)
        {
            throw ApiErrors.InvalidParam(e.Message);
        }
    }
}
