using System.Text.Json.Nodes;

namespace Dify.Workflows.Dsl;

/// <summary>
/// Rewrites old shapes of node data into the current ones, so executors see one shape only:
/// legacy if-else conditions become one case, <c>variable-assigner</c> becomes <c>variable-aggregator</c>,
/// plugin-era provider ids (<c>langgenius/openai/openai</c>) shrink to the provider name, end output
/// value types are lower-cased, and selector parts are strings. Idempotent, so re-imports are stable.
/// </summary>
internal static class NodeDataNormaliser
{
    // Keys whose object value names a model with a provider (llm model, reranking, embedding...).
    private static readonly HashSet<string> ModelKeys = new(StringComparer.Ordinal) { "model", "reranking_model", "embedding_model" };

    /// <summary>Normalises <paramref name="data"/> in place and returns the node kind to use.</summary>
    public static string Normalise(string type, JsonObject data)
    {
        if (type == "variable-assigner")
        {
            type = "variable-aggregator";
            data["type"] = type;
        }
        if (type == "if-else") LegacyIfElse(data);
        if (type == "end") LowerCaseOutputTypes(data);
        ShortenProviders(data);
        SelectorScan.ForEach(type, data, (_, selector) => StringifyParts(selector));
        return type;
    }

    // DSL 0.1.x if-else: top-level conditions + logical_operator, which Dify reads as one case "true".
    private static void LegacyIfElse(JsonObject data)
    {
        if (data["cases"] is JsonArray || data["conditions"] is not JsonArray conditions) return;
        data["cases"] = new JsonArray(new JsonObject
        {
            ["case_id"] = "true",
            ["id"] = "true",
            ["logical_operator"] = JsonText.ScalarText(data["logical_operator"]) ?? "and",
            ["conditions"] = conditions.DeepClone(),
        });
    }

    private static void LowerCaseOutputTypes(JsonObject data)
    {
        if (data["outputs"] is not JsonArray outputs) return;
        foreach (var output in outputs.OfType<JsonObject>())
            if (JsonText.StringOrNull(output["value_type"]) is { } valueType) output["value_type"] = valueType.ToLowerInvariant();
    }

    private static void ShortenProviders(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (key, value) in map.ToList())
                {
                    if (ModelKeys.Contains(key) && value is JsonObject model && JsonText.StringOrNull(model["provider"]) is { } provider)
                        model["provider"] = provider[(provider.LastIndexOf('/') + 1)..];
                    ShortenProviders(value);
                }
                break;
            case JsonArray list:
                foreach (var item in list) ShortenProviders(item);
                break;
        }
    }

    private static void StringifyParts(JsonArray selector)
    {
        for (var i = 0; i < selector.Count; i++)
            if (selector[i] is JsonValue part && JsonText.StringOrNull(part) is null && JsonText.ScalarText(part) is { } text)
                selector[i] = text;
    }
}
