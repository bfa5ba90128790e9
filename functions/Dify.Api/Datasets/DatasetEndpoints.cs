using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Embedding;
using Dify.Workflows.Knowledge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Datasets;

/// <summary><c>POST/GET /datasets</c>, <c>GET/PATCH/DELETE /datasets/{id}</c>.</summary>
internal static class DatasetEndpoints
{
    private static readonly string[] Permissions = ["only_me", "all_team_members", "partial_members"];

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/datasets", CreateAsync);
        v1.MapGet("/datasets", ListAsync);
        v1.MapGet("/datasets/{datasetId}", GetAsync);
        v1.MapPatch("/datasets/{datasetId}", UpdateAsync);
        v1.MapDelete("/datasets/{datasetId}", DeleteAsync);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IDatasetBackend backend, IOptions<DatasetApiOptions> options, DatasetNameGate names)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        var name = Name(body) ?? throw ApiErrors.InvalidParam("Name must be between 1 to 40 characters.");
        var technique = Technique(body);
        var provider = JsonArgs.String(body, "provider") ?? "vendor";
        if (provider == "external") throw ApiErrors.InvalidParam("External knowledge bases are not supported by this engine.");
        if (provider != "vendor") throw ApiErrors.InvalidParam("provider must be vendor or external");
        var retrievalModel = JsonArgs.Object(body, "retrieval_model");
        var (embeddingProvider, embeddingModel) = Embedding(body, HashingEmbeddingModel.ProviderName, HashingEmbeddingModel.ModelName);
        var now = DatasetAccess.Now();
        var dataset = new DatasetRecord(Guid.NewGuid().ToString(), name, Description(body) ?? "", DatasetRecord.ParseTechnique(technique),
            embeddingProvider, embeddingModel, RetrievalModels.Settings(retrievalModel, DatasetRetrievalSettings.Default));
        var attributes = new JsonObject
        {
            ["indexing_technique"] = technique,
            ["permission"] = Permission(body) ?? "only_me",
            ["provider"] = provider,
            ["created_by"] = DatasetAccess.KeyId(http),
            ["created_at"] = now,
            ["updated_by"] = DatasetAccess.KeyId(http),
            ["updated_at"] = now,
            ["retrieval_model"] = retrievalModel?.DeepClone(),
            ["summary_index_setting"] = body["summary_index_setting"]?.DeepClone(),
        };
        var gate = await names.EnterAsync(ct);
        try
        {
            if ((await backend.ListDatasetsAsync(ct)).Any(d => d.Name == name)) throw DatasetErrors.NameDuplicate();
            await backend.SaveDatasetAsync(dataset, ct);
            await backend.SetAttributesAsync(dataset.Id, null, attributes, ct);
        }
        finally
        {
            gate.Dispose();
        }
        return ApiJson.Result(DatasetJson.Write(dataset, attributes, []));
    }

    private static async Task<IResult> ListAsync(HttpContext http, IDatasetBackend backend)
    {
        var ct = http.RequestAborted;
        var (page, limit) = JsonArgs.Paging(http.Request);
        var keyword = RequestArgs.Query(http.Request, "keyword");
        var tagIds = http.Request.Query["tag_ids"].Concat(http.Request.Query["tag_ids[]"]).Where(t => !string.IsNullOrEmpty(t)).ToHashSet();
        var all = new List<DatasetRecord>();
        foreach (var d in (await backend.ListDatasetsAsync(ct)).Where(d => keyword is null || d.Name.Contains(keyword, StringComparison.OrdinalIgnoreCase)).Reverse())
        {
            // Dify's tag_ids filter: datasets bound to any of the tags asked for.
            if (tagIds.Count == 0 || tagIds.Overlaps((await backend.BoundTagsAsync(d.Id, ct)).Select(t => t.Id))) all.Add(d);
        }
        var shown = new Dictionary<string, JsonObject>();
        foreach (var dataset in all.Skip((page - 1) * limit).Take(limit))
        {
            var attributes = await backend.GetAttributesAsync(dataset.Id, null, ct);
            shown[dataset.Id] = DatasetJson.Write(dataset, attributes, await backend.ListDocumentsAsync(dataset.Id, ct), await backend.BoundTagsAsync(dataset.Id, ct));
        }
        return ApiJson.Result(JsonArgs.Page(all, page, limit, d => shown[d.Id]));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string datasetId, IDatasetBackend backend)
    {
        var (dataset, attributes) = await DatasetAccess.DatasetAsync(backend, datasetId, http.RequestAborted);
        return ApiJson.Result(DatasetJson.Write(dataset, attributes, await backend.ListDocumentsAsync(datasetId, http.RequestAborted),
            await backend.BoundTagsAsync(datasetId, http.RequestAborted)));
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, string datasetId, IDatasetBackend backend, IOptions<DatasetApiOptions> options, DatasetNameGate names)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        var gate = await names.EnterAsync(ct);
        try
        {
            var (dataset, attributes) = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
            var documents = await backend.ListDocumentsAsync(datasetId, ct);
            if (body.ContainsKey("name"))
            {
                var name = Name(body) ?? throw ApiErrors.InvalidParam("Name must be between 1 to 40 characters.");
                if ((await backend.ListDatasetsAsync(ct)).Any(d => d.Name == name && d.Id != datasetId)) throw DatasetErrors.NameDuplicate();
                dataset = dataset with { Name = name };
            }
            if (Description(body) is { } description) dataset = dataset with { Description = description };
            if (Technique(body) is { } technique && technique != DatasetAccess.Technique(dataset, attributes))
            {
                if (documents.Count > 0) throw ApiErrors.InvalidParam("Changing the indexing technique of a dataset with documents is not supported.");
                dataset = dataset with { IndexingTechnique = DatasetRecord.ParseTechnique(technique) };
                attributes["indexing_technique"] = technique;
            }
            var (provider, model) = Embedding(body, dataset.EmbeddingProvider, dataset.EmbeddingModel);
            if (provider != dataset.EmbeddingProvider || model != dataset.EmbeddingModel)
            {
                if (documents.Count > 0) throw ApiErrors.InvalidParam("Changing the embedding model of a dataset with documents is not supported.");
                dataset = dataset with { EmbeddingProvider = provider, EmbeddingModel = model };
            }
            if (JsonArgs.Object(body, "retrieval_model") is { } retrieval)
            {
                dataset = dataset with { Retrieval = RetrievalModels.Settings(retrieval, dataset.RetrievalSettings) };
                attributes["retrieval_model"] = retrieval.DeepClone();
            }
            if (Permission(body) is { } permission) attributes["permission"] = permission;
            attributes["updated_by"] = DatasetAccess.KeyId(http);
            attributes["updated_at"] = DatasetAccess.Now();
            await backend.SaveDatasetAsync(dataset, ct);
            await backend.SetAttributesAsync(datasetId, null, attributes, ct);
            return ApiJson.Result(DatasetJson.Write(dataset, attributes, documents));
        }
        finally
        {
            gate.Dispose();
        }
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string datasetId, IDatasetBackend backend)
    {
        _ = await DatasetAccess.DatasetAsync(backend, datasetId, http.RequestAborted);
        await backend.DeleteDatasetAsync(datasetId, http.RequestAborted);
        return Results.NoContent();
    }

    private static string? Name(JsonObject body) => JsonArgs.String(body, "name")?.Trim() is { Length: >= 1 and <= 40 } name ? name : null;

    private static string? Description(JsonObject body) => JsonArgs.String(body, "description") is { } d
        ? d.Length <= 400 ? d : throw ApiErrors.InvalidParam("Description cannot exceed 400 characters.")
        : null;

    public static string? Technique(JsonObject body) => JsonArgs.String(body, "indexing_technique") switch
    {
        null => null,
        var t when t is "high_quality" or "economy" => t,
        _ => throw ApiErrors.InvalidParam("Invalid indexing technique."),
    };

    private static string? Permission(JsonObject body) => JsonArgs.String(body, "permission") switch
    {
        null => null,
        var p when Permissions.Contains(p) => p,
        _ => throw ApiErrors.InvalidParam("Invalid permission."),
    };

    private static (string Provider, string Model) Embedding(JsonObject body, string provider, string model) =>
        (JsonArgs.String(body, "embedding_model_provider") is { Length: > 0 } p ? p : provider,
         JsonArgs.String(body, "embedding_model") is { Length: > 0 } m ? m : model);
}
