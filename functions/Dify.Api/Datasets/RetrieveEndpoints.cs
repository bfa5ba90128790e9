using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Knowledge.Index;
using Dify.Models.Chat;
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

    private static async Task<IResult> RetrieveAsync(HttpContext http, string datasetId, IDatasetBackend backend, IOptions<DatasetApiOptions> options)
    {
        var ct = http.RequestAborted;
        var body = await JsonArgs.ReadObjectAsync(http.Request, options.Value.MaxJsonBodyBytes, ct);
        var (dataset, _) = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        var query = JsonArgs.String(body, "query");
        if (string.IsNullOrWhiteSpace(query)) throw ApiErrors.InvalidParam("query is required");
        // Like Dify's hit testing: without a retrieval_model the dataset's stored one (reranking included) applies.
        var model = JsonArgs.Object(body, "retrieval_model");
        var settings = RetrievalModels.Settings(model, dataset.RetrievalSettings);
        var reranking = model is null ? settings.EffectiveReranking() : RetrievalModels.Reranking(model);
        if (reranking is null or { Mode: RerankingMode.None } && settings is { SearchMethod: SearchMethod.Hybrid, Weights: { } weights } && (model is null || model["weights"] is not null))
            reranking = new RerankingSettings(RerankingMode.WeightedScore, weights);
        // A rerank model scores the retrieved candidates itself: the threshold then applies to its scores (Dify's DataPostProcessor).
        var byModel = reranking is { Mode: RerankingMode.RerankingModel };
        var knowledgeQuery = new KnowledgeQuery([datasetId], query, settings.TopK, settings.SearchMethod,
            byModel && !settings.SearchMethod.ThresholdsCandidatesBeforeRerank() ? null : settings.ScoreThreshold,
            byModel ? RerankingSettings.None : reranking, RetrievalModels.Filter(model));

        IReadOnlyList<KnowledgeHit> hits;
        try
        {
            hits = await backend.SearchAsync(knowledgeQuery, ct);
            if (byModel)
                hits = await backend.Reranker.RerankAsync(reranking!, query, hits, h => h.Chunk.Content,
                    (h, score) => h with { Chunk = h.Chunk with { Score = score } }, settings.TopK, settings.ScoreThreshold, ct);
        }
        catch (KnowledgeRetrievalException e) when (e.InnerException is ModelProviderException { StatusCode: null } p && p.Message.Contains("credentials is not initialized", StringComparison.Ordinal))
        {
            throw new ApiException(400, "provider_not_initialize", p.Message);
        }
        catch (KnowledgeRetrievalException e) when (e.InnerException is ModelProviderException p)
        {
            throw ApiErrors.CompletionRequestError(p.Message);
        }
        catch (KnowledgeRetrievalException e)
        {
            throw ApiErrors.InvalidParam(e.Message);
        }
        await backend.RecordHitsAsync(hits, ct);
        var documents = (await backend.ListDocumentsAsync(datasetId, ct)).ToDictionary(d => d.Id);
        var attributes = await backend.ListDocumentAttributesAsync(datasetId, ct);
        var records = new JsonArray();
        foreach (var hit in hits)
        {
            // answer, keywords and hit_count live on the stored segment, not in the index.
            var stored = await backend.GetSegmentAsync(datasetId, hit.Chunk.DocumentId, hit.Chunk.SegmentId, ct);
            records.Add(SegmentJson.Record(hit, documents.GetValueOrDefault(hit.Chunk.DocumentId), attributes.GetValueOrDefault(hit.Chunk.DocumentId), stored));
        }
        return ApiJson.Result(new JsonObject { ["query"] = new JsonObject { ["content"] = query }, ["records"] = records });
    }
}
