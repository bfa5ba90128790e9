using System.Text.Json.Nodes;

namespace Dify.Knowledge.Splitting;

/// <summary>Reads and writes Dify's process_rule JSON: {mode, rules: {pre_processing_rules, segmentation, parent_mode, subchunk_segmentation}}.</summary>
public static class ProcessRuleJson
{
    public static ProcessRule Parse(JsonNode? json)
    {
        if (json is not JsonObject o) return ProcessRule.Automatic;
        var mode = (o["mode"]?.GetValue<string>() ?? "automatic").ToLowerInvariant() switch
        {
            "custom" => ProcessRuleMode.Custom,
            "hierarchical" => ProcessRuleMode.Hierarchical,
            _ => ProcessRuleMode.Automatic,
        };
        if (mode == ProcessRuleMode.Automatic) return ProcessRule.Automatic;
        if (o["rules"] is not JsonObject rules) throw new ArgumentException("No rules found in process rule.");
        var cleaning = new CleaningRules(Enabled(rules, "remove_extra_spaces"), Enabled(rules, "remove_urls_emails"));
        var segmentation = Segmentation(rules["segmentation"]) ?? throw new ArgumentException("No segmentation found in rules.");
        var parentMode = string.Equals(rules["parent_mode"]?.GetValue<string>(), "full-doc", StringComparison.OrdinalIgnoreCase) ? ParentMode.FullDoc : ParentMode.Paragraph;
        return new ProcessRule(mode, cleaning, segmentation, parentMode, Segmentation(rules["subchunk_segmentation"]));
    }

    public static JsonObject Write(ProcessRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var rules = new JsonObject
        {
            ["pre_processing_rules"] = new JsonArray(
                new JsonObject { ["id"] = "remove_extra_spaces", ["enabled"] = rule.Cleaning.RemoveExtraSpaces },
                new JsonObject { ["id"] = "remove_urls_emails", ["enabled"] = rule.Cleaning.RemoveUrlsEmails }),
            ["segmentation"] = Write(rule.Segmentation),
        };
        if (rule.Mode == ProcessRuleMode.Hierarchical)
        {
            rules["parent_mode"] = rule.ParentMode == ParentMode.FullDoc ? "full-doc" : "paragraph";
            if (rule.SubchunkSegmentation is { } sub) rules["subchunk_segmentation"] = Write(sub);
        }
        var mode = rule.Mode switch { ProcessRuleMode.Custom => "custom", ProcessRuleMode.Hierarchical => "hierarchical", _ => "automatic" };
        return new JsonObject { ["mode"] = mode, ["rules"] = rules };
    }

    private static JsonObject Write(Segmentation s) => new() { ["separator"] = s.Separator, ["max_tokens"] = s.MaxTokens, ["chunk_overlap"] = s.ChunkOverlap };

    private static bool Enabled(JsonObject rules, string id) =>
        rules["pre_processing_rules"] is JsonArray list
        && list.OfType<JsonObject>().Any(r => r["id"]?.GetValue<string>() == id && r["enabled"] is JsonValue v && v.GetValue<bool>());

    private static Segmentation? Segmentation(JsonNode? node)
    {
        if (node is not JsonObject s) return null;
        var separator = (s["separator"] ?? s["delimiter"])?.GetValue<string>() ?? "\\n";
        var maxTokens = s["max_tokens"]?.GetValue<int>() ?? 1024;
        var overlap = s["chunk_overlap"]?.GetValue<int>() ?? 0;
        return new Segmentation(separator, maxTokens, overlap);
    }
}
