using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Datasets;

/// <summary>
/// <see cref="DatasetRetrievalSettings"/> as Dify's retrieval_model JSON, every field Dify returns in a dataset's
/// retrieval_model_dict: what the knowledge file and the Table catalog store, and what the Dataset API shows.
/// </summary>
public static class RetrievalJson
{
    public static string Write(DatasetRetrievalSettings settings) => ToJson(settings).ToJsonString();

    public static JsonObject ToJson(DatasetRetrievalSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var reranking = settings.Reranking ?? DatasetReranking.Off;
        var json = new JsonObject
        {
            ["search_method"] = settings.SearchMethod.ToDify(),
            ["reranking_enable"] = reranking.Enabled,
            ["reranking_mode"] = reranking.Mode,
            ["reranking_model"] = new JsonObject { ["reranking_provider_name"] = reranking.Provider, ["reranking_model_name"] = reranking.Model },
            ["weights"] = null,
            ["top_k"] = settings.TopK,
            ["score_threshold_enabled"] = settings.ScoreThreshold is not null,
            ["score_threshold"] = settings.ScoreThreshold ?? settings.KeptScoreThreshold ?? 0.0,
        };
        if (settings.Weights is { } w)
        {
            var labels = settings.WeightLabels ?? new WeightLabels();
            json["weights"] = new JsonObject
            {
                ["weight_type"] = labels.WeightType ?? "customized",
                ["vector_setting"] = new JsonObject
                {
                    ["vector_weight"] = w.VectorWeight, ["embedding_provider_name"] = labels.EmbeddingProvider, ["embedding_model_name"] = labels.EmbeddingModel,
                },
                ["keyword_setting"] = new JsonObject { ["keyword_weight"] = w.KeywordWeight },
            };
        }
        return json;
    }

    /// <summary>Reads what <see cref="Write"/> wrote, and JSON written before reranking was kept (then, as for reranking off, <see cref="DatasetRetrievalSettings.Reranking"/> is null).</summary>
    public static DatasetRetrievalSettings Read(string text)
    {
        try
        {
            return Read(JsonNode.Parse(text) as JsonObject ?? []);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Stored retrieval model is not valid: {e.Message}", e);
        }
    }

    public static DatasetRetrievalSettings Read(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var method = SearchMethods.Parse(String(json["search_method"])) ?? SearchMethod.Semantic;
        var topK = json["top_k"] is JsonValue k ? k.GetValue<int>() : DatasetRetrievalSettings.Default.TopK;
        double? stored = json["score_threshold"] is JsonValue t ? t.GetValue<double>() : null;
        var enabled = json["score_threshold_enabled"] is JsonValue e && e.GetValue<bool>();
        RetrievalWeights? weights = null;
        WeightLabels? labels = null;
        if (json["weights"] is JsonObject w)
        {
            weights = new RetrievalWeights(
                Number(w["vector_setting"]?["vector_weight"]) ?? RetrievalWeights.SemanticFirst.VectorWeight,
                Number(w["keyword_setting"]?["keyword_weight"]) ?? RetrievalWeights.SemanticFirst.KeywordWeight);
            labels = new WeightLabels(String(w["weight_type"]), String(w["vector_setting"]?["embedding_provider_name"]) ?? "",
                String(w["vector_setting"]?["embedding_model_name"]) ?? "");
        }
        DatasetReranking? reranking = null;
        if (json.ContainsKey("reranking_enable") || json.ContainsKey("reranking_model") || json.ContainsKey("reranking_mode"))
        {
            reranking = new DatasetReranking(json["reranking_enable"] is JsonValue r && r.GetValue<bool>(), String(json["reranking_mode"]),
                String(json["reranking_model"]?["reranking_provider_name"]) ?? "", String(json["reranking_model"]?["reranking_model_name"]) ?? "");
        }
        // Defaults read back as null, so settings made without them compare equal after a round trip.
        if (reranking == DatasetReranking.Off) reranking = null;
        if (labels == new WeightLabels() || labels == new WeightLabels("customized")) labels = null;
        return new DatasetRetrievalSettings(method, topK, enabled ? stored ?? 0 : null, weights, reranking, enabled ? null : stored, labels);
    }

    private static string? String(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}
