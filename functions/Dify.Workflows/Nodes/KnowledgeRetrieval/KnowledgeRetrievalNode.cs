using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Models;
using Dify.Models.Chat;
using Dify.Models.Rerank;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.KnowledgeRetrieval;

/// <summary>
/// knowledge-retrieval (DIFY-SPEC §2.5, §6.3). Multiple mode searches every dataset with the node's top_k,
/// threshold and weighted-score reranking; single mode lets a model route the query to one dataset, searched
/// with that dataset's own settings (its rerank model included). Output: result, an array of chunks sorted by score.
/// </summary>
/// <param name="retriever">The knowledge port (datasets and search).</param>
/// <param name="models">For the single-mode router.</param>
/// <param name="rerank">Runs reranking_model (multiple mode, or the single-mode dataset's own); null → results keep their retrieval order (process_data says so).</param>
public sealed class KnowledgeRetrievalNode(IKnowledgeRetriever retriever, IModelProviders models, IRerankModel? rerank = null) : NodeExecutor<KnowledgeRetrievalNodeData>
{
    public override string NodeType => "knowledge-retrieval";

    protected override KnowledgeRetrievalNodeData Parse(NodeDataReader reader) => KnowledgeRetrievalNodeData.Parse(reader);

    protected override async ValueTask<NodeRunResult> RunAsync(NodeRunContext context, KnowledgeRetrievalNodeData data, CancellationToken cancellationToken)
    {
        var queryValue = data.Query is { } selector ? context.Pool.Get(selector) : null;
        if (queryValue is not JsonValue qv || qv.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(qv.GetValue<string>()))
            return NodeRunResult.Failure("Query is required", "KnowledgeRetrievalNodeError");
        var query = qv.GetValue<string>();
        var inputs = new JsonObject { ["query"] = query };
        var processData = new JsonObject
        {
            ["retrieval_mode"] = data.SingleMode ? "single" : "multiple",
            ["dataset_ids"] = new JsonArray(data.DatasetIds.Select(id => (JsonNode?)id).ToArray()),
        };
        var notes = new JsonArray();
        var usage = TokenUsage.Empty;
        try
        {
            var datasets = await retriever.GetDatasetsAsync(data.DatasetIds, cancellationToken).ConfigureAwait(false);
            var filter = Filter(context.Pool, data, notes);
            IReadOnlyList<RetrievedChunk> chunks = [];
            if (datasets.Count == 0)
            {
                notes.Add("No searchable dataset among dataset_ids.");
            }
            else if (data.SingleMode)
            {
                var choice = await DatasetRouter.ChooseAsync(models, data.RouterModel!, query, datasets, cancellationToken).ConfigureAwait(false);
                if (choice.Call is { } call)
                {
                    var router = ModelCall.ProcessData(data.RouterModel!, choice.Messages, call);
                    processData["router"] = router;
                    usage = call.Usage;
                    if (call.Error is { } error) return Failed(error, "LLMInvokeError", inputs, processData, notes);
                }
                processData["selected_dataset_id"] = choice.Dataset?.Id;
                if (choice.Dataset is { } picked)
                    chunks = await SingleAsync(picked, query, filter, notes, cancellationToken).ConfigureAwait(false);
                else
                {
                    notes.Add("The router picked no dataset.");
                }
            }
            else
            {
                var m = data.Multiple;
                var reranking = Reranking(m, rerank is not null, notes);
                chunks = reranking.Mode == RerankingMode.RerankingModel
                    ? await RerankedAsync(datasets, query, m, reranking, filter, cancellationToken).ConfigureAwait(false)
                    : await retriever.RetrieveAsync(
                        new KnowledgeQuery(datasets.Select(d => d.Id).ToList(), query, m.TopK, null, m.ScoreThreshold, reranking, filter),
                        cancellationToken).ConfigureAwait(false);
            }

            await retriever.RecordHitsAsync(chunks, cancellationToken).ConfigureAwait(false);
            if (notes.Count > 0) processData["notes"] = notes;
            return new NodeRunResult
            {
                Inputs = inputs,
                ProcessData = processData,
                Outputs = new JsonObject { ["result"] = RetrievalResult.ToJson(chunks) },
                Metadata = usage.TotalTokens > 0 ? LlmUsage.Metadata(usage) : null,
                TotalTokens = usage.TotalTokens,
                Usage = usage.TotalTokens > 0 ? usage : null,
            };
        }
        catch (KnowledgeRetrievalException ex)
        {
            return Failed(ex.Message, "KnowledgeRetrievalNodeError", inputs, processData, notes);
        }
        catch (ModelProviderException ex)
        {
            // Embedding the query (semantic search) goes to a model provider too.
            return Failed(ex.Message, "KnowledgeRetrievalNodeError", inputs, processData, notes);
        }
    }

    private static NodeRunResult Failed(string error, string type, JsonObject inputs, JsonObject processData, JsonArray notes)
    {
        if (notes.Count > 0) processData["notes"] = notes;
        return NodeRunResult.Failure(error, type, inputs) with { ProcessData = processData };
    }

    /// <summary>
    /// Dify's single retrieval: the picked dataset searched with its own retrieval_model (search method, top_k,
    /// threshold when enabled, weights), then reranked when that model enables a rerank model: the candidates are
    /// rescored, the threshold applies to the rerank scores (and, as in Dify, to semantic candidates before), the best top_k remain.
    /// </summary>
    private async Task<IReadOnlyList<RetrievedChunk>> SingleAsync(DatasetInfo picked, string query, MetadataFilter? filter, JsonArray notes, CancellationToken ct)
    {
        var own = picked.Retrieval;
        var reranking = own.EffectiveReranking();
        if (reranking.Mode == RerankingMode.RerankingModel && rerank is null)
        {
            notes.Add($"Rerank model {reranking.RerankProvider}/{reranking.RerankModel} is not available: results are ordered by retrieval score.");
            reranking = RerankingSettings.None;
        }
        var byModel = reranking.Mode == RerankingMode.RerankingModel;
        var chunks = await retriever.RetrieveAsync(
            new KnowledgeQuery([picked.Id], query, own.TopK, own.SearchMethod,
                byModel && !own.SearchMethod.ThresholdsCandidatesBeforeRerank() ? null : own.ScoreThreshold, byModel ? RerankingSettings.None : reranking, filter),
            ct).ConfigureAwait(false);
        if (!byModel) return chunks;
        return await new ModelReranker(rerank!).RerankAsync(reranking, query, chunks, c => c.Content, (c, score) => c with { Score = score }, own.TopK, own.ScoreThreshold, ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Dify's multiple retrieval with a rerank model: each dataset gives its own top_k, the merged list is reranked,
    /// the threshold applies to the rerank scores and the best top_k remain.
    /// </summary>
    private async Task<IReadOnlyList<RetrievedChunk>> RerankedAsync(
        IReadOnlyList<DatasetInfo> datasets, string query, MultipleRetrievalConfig m, RerankingSettings reranking, MetadataFilter? filter, CancellationToken ct)
    {
        var merged = new List<RetrievedChunk>();
        foreach (var dataset in datasets)
            merged.AddRange(await retriever.RetrieveAsync(new KnowledgeQuery([dataset.Id], query, m.TopK, null, null, RerankingSettings.None, filter), ct).ConfigureAwait(false));
        return await new ModelReranker(rerank!).RerankAsync(reranking, query, merged, c => c.Content, (c, score) => c with { Score = score }, m.TopK, m.ScoreThreshold, ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Weighted score applies when reranking is on; a rerank model when the host gave one (otherwise results keep
    /// their retrieval order and process_data says so).
    /// </summary>
    private static RerankingSettings Reranking(MultipleRetrievalConfig m, bool canRerank, JsonArray notes)
    {
        if (!m.RerankingEnable) return RerankingSettings.None;
        if (m.RerankingMode == RerankingMode.WeightedScore)
            return new RerankingSettings(RerankingMode.WeightedScore, m.Weights ?? RetrievalWeights.SemanticFirst);
        if (string.IsNullOrEmpty(m.RerankModel)) return RerankingSettings.None;
        if (canRerank) return new RerankingSettings(RerankingMode.RerankingModel, null, m.RerankProvider, m.RerankModel);
        notes.Add($"Rerank model {m.RerankProvider}/{m.RerankModel} is not available: results are ordered by retrieval score.");
        return RerankingSettings.None;
    }

    private static MetadataFilter? Filter(VariablePool pool, KnowledgeRetrievalNodeData data, JsonArray notes)
    {
        switch (data.MetadataFilteringMode)
        {
            case "manual" when data.Conditions.Count > 0:
                return new MetadataFilter(data.LogicalOperator, data.Conditions.Select(c => new MetadataCondition(c.Name, c.ComparisonOperator, Render(pool, c.Value))).ToList());
            case "automatic":
                notes.Add("Automatic metadata filtering is not supported: no metadata filter was applied.");
                return null;
            default:
                return null;
        }
    }

    private static JsonNode? Render(VariablePool pool, JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => VariableTemplate.RenderText(v.GetValue<string>(), pool),
        JsonArray a => new JsonArray(a.Select(x => Render(pool, x)).ToArray()),
        _ => value?.DeepClone(),
    };
}
