using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Workflows.Knowledge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Datasets;

/// <summary><c>POST /datasets/{id}/retrieve</c> (Dify's hit testing): the dataset's retrieval settings, overridden by the request's retrieval_model.</summary>
internal static class RetrieveEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/datasets/{datasetId}/retrieve", RetrieveAsync);
        v1.MapPost("/datasets/{datasetId}/hit-testing", RetrieveAsync);
    }

    private static async Task<IResult> RetrieveAsync(HttpContext http, string datasetId, DatasetApiBackend backend, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        var (dataset, _) = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var query = JsonArgs.String(body, "query");
        if (string.IsNullOrWhiteSpace(query)) throw ApiErrors.InvalidParam("query is required");
        var model = JsonArgs.Object(body, "retrieval_model");
        var settings = RetrievalModels.Settings(model, dataset.RetrievalSettings);
        var reranking = RetrievalModels.Reranking(model);
        if (reranking is null && settings is { SearchMethod: SearchMethod.Hybrid, Weights: { } weights } && model?["weights"] is not null)
            reranking = new RerankingSettings(RerankingMode.WeightedScore, weights);
        var knowledgeQuery = new KnowledgeQuery([datasetId], query, settings.TopK, settings.SearchMethod, settings.ScoreThreshold, reranking, RetrievalModels.Filter(model));

        IReadOnlyList<Knowledge.Index.KnowledgeHit> hits;
        try
        {
            hits = await backend.Index.SearchAsync(knowledgeQuery, ct);
        }
        catch (KnowledgeRetrievalException e)
        {
            throw ApiErrors.InvalidParam(e.Message);
        }
        var documents = (await backend.Ingestor.Documents.ListAsync(datasetId, ct)).ToDictionary(d => d.Id);
        var attributes = await backend.Ingestor.Attributes.ListDocumentsAsync(datasetId, ct);
        var records = new JsonArray();
        foreach (var hit in hits)
            records.Add(SegmentJson.Record(hit, documents.GetValueOrDefault(hit.Chunk.DocumentId), attributes.GetValueOrDefault(hit.Chunk.DocumentId)));
        return ApiJson.Result(new JsonObject { ["query"] = new JsonObject { ["content"] = query }, ["records"] = records });
    }
}
