using System.Text.Json.Nodes;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;

namespace Dify.Api.Datasets;

/// <summary>Dify's Document object and indexing-status entry.</summary>
internal static class DocumentJson
{
    public static JsonObject Write(DocumentRecord d, JsonObject? attributes, IReadOnlyList<MetadataField>? fields = null)
    {
        var a = attributes ?? [];
        return new JsonObject
        {
            ["id"] = d.Id,
            ["position"] = a["position"]?.GetValue<int>() ?? 1,
            ["data_source_type"] = a["data_source_type"]?.GetValue<string>() ?? "upload_file",
            ["data_source_info"] = a["data_source_info"]?.DeepClone(),
            ["data_source_detail_dict"] = a["data_source_detail_dict"]?.DeepClone() ?? new JsonObject(),
            ["dataset_process_rule_id"] = a["process_rule_id"]?.GetValue<string>(),
            ["name"] = d.Name,
            ["created_from"] = a["created_from"]?.GetValue<string>() ?? "api",
            ["created_by"] = a["created_by"]?.GetValue<string>() ?? "",
            ["created_at"] = d.CreatedAt,
            ["tokens"] = Tokens(d.WordCount),
            ["indexing_status"] = d.Status.ToDify(),
            ["error"] = d.Error,
            ["enabled"] = d.Enabled,
            ["disabled_at"] = null,
            ["disabled_by"] = null,
            ["archived"] = d.Archived,
            ["display_status"] = DisplayStatus(d),
            ["word_count"] = d.WordCount,
            ["hit_count"] = 0,
            ["doc_form"] = a["doc_form"]?.GetValue<string>() ?? "text_model",
            ["doc_language"] = a["doc_language"]?.GetValue<string>() ?? "English",
            ["doc_metadata"] = Metadata(d.Metadata, fields),
            ["need_summary"] = false,
            ["summary_index_status"] = null,
        };
    }

    public static JsonObject IndexingStatus(DocumentRecord d) => new()
    {
        ["id"] = d.Id,
        ["indexing_status"] = d.Status.ToDify(),
        ["processing_started_at"] = d.ProcessingStartedAt,
        ["parsing_completed_at"] = d.ParsingCompletedAt,
        ["cleaning_completed_at"] = d.CleaningCompletedAt,
        ["splitting_completed_at"] = d.SplittingCompletedAt,
        ["completed_at"] = d.CompletedAt,
        ["paused_at"] = null,
        ["error"] = d.Error,
        ["stopped_at"] = null,
        ["completed_segments"] = d.CompletedSegments,
        ["total_segments"] = d.TotalSegments,
    };

    /// <summary>Dify's display_status: queuing, indexing, paused, error, available, disabled, archived.</summary>
    public static string DisplayStatus(DocumentRecord d) => d.Status switch
    {
        DocumentStatus.Waiting => "queuing",
        DocumentStatus.Error => "error",
        DocumentStatus.Completed when d.Archived => "archived",
        DocumentStatus.Completed => d.Enabled ? "available" : "disabled",
        _ => "indexing",
    };

    /// <summary>An estimate (about 4 characters a token): the embedded embedder has no tokenizer of its own.</summary>
    public static long Tokens(long characters) => (characters + 3) / 4;

    /// <summary>doc_metadata as Dify lists it: [{id, name, type, value}], with the dataset's field ids and types where defined.</summary>
    private static JsonArray Metadata(JsonObject? metadata, IReadOnlyList<MetadataField>? fields)
    {
        var list = new JsonArray();
        if (metadata is null) return list;
        foreach (var (name, value) in metadata)
        {
            var field = fields?.FirstOrDefault(f => f.Name == name);
            var builtIn = DatasetMetadata.BuiltInFields.FirstOrDefault(b => b.Name == name);
            var type = field?.Type ?? builtIn.Type
                ?? (value is JsonValue v && (v.TryGetValue<double>(out _) || v.TryGetValue<long>(out _)) ? "number" : "string");
            var id = field?.Id ?? (builtIn.Name is not null ? "built-in" : name);
            list.Add(new JsonObject { ["id"] = id, ["name"] = name, ["type"] = type, ["value"] = value?.DeepClone() });
        }
        return list;
    }
}
