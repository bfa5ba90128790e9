using System.Text.Json.Nodes;

namespace Dify.Workflows.Values;

/// <summary>
/// Files travel through the variable pool as JSON objects shaped like Dify's File model
/// (marked with dify_model_identity = "__dify__file__"), so they serialise with the pool and
/// keep the attribute names selectors and list filters use (type, size, name, mime_type...).
/// </summary>
public static class FileValue
{
    public const string Identity = "__dify__file__";

    /// <summary>Attributes a selector or a filter may read from a file.</summary>
    public static readonly IReadOnlySet<string> Attributes =
        new HashSet<string>(StringComparer.Ordinal) { "type", "size", "name", "mime_type", "transfer_method", "url", "extension", "related_id" };

    public static bool IsFile(JsonNode? node) =>
        node is JsonObject o && o.TryGetPropertyValue("dify_model_identity", out var id) && id is JsonValue v
        && v.TryGetValue<string>(out var s) && s == Identity;

    public static JsonObject Create(
        string type, string transferMethod, string? filename, string? extension, string? mimeType,
        long size, string? url = null, string? relatedId = null, string? remoteUrl = null, string? id = null) => new()
    {
        ["dify_model_identity"] = Identity,
        ["id"] = id,
        ["tenant_id"] = null,
        ["type"] = type,
        ["transfer_method"] = transferMethod,
        ["remote_url"] = remoteUrl,
        ["related_id"] = relatedId,
        ["filename"] = filename,
        ["extension"] = extension,
        ["mime_type"] = mimeType,
        ["size"] = size,
        ["url"] = url ?? remoteUrl,
    };

    /// <summary>Reads a file attribute the way Dify's selectors name them ("name" is the filename).</summary>
    public static JsonNode? GetAttribute(JsonObject file, string attribute) => attribute switch
    {
        "name" => file["filename"]?.DeepClone(),
        "url" => (file["url"] ?? file["remote_url"])?.DeepClone(),
        _ => file[attribute]?.DeepClone(),
    };

    public static string? GetString(JsonObject file, string attribute) =>
        GetAttribute(file, attribute) is JsonValue v && v.TryGetValue<string>(out var s) ? s : GetAttribute(file, attribute)?.ToString();
}
