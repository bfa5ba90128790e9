using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Workflows.Nodes.Start;

namespace Dify.Api.Files;

/// <summary>
/// Dify's FileUploadConfig: which file types, extensions (for <c>custom</c> files) and transfer methods an
/// app accepts, and how many files. Built from the app's <c>features.file_upload</c> for <c>files</c>, or from
/// a start-form variable's <c>allowed_file_*</c> for file inputs. Empty lists allow everything, as in Dify.
/// </summary>
public sealed record FileUploadRules(
    IReadOnlyList<string> AllowedTypes,
    IReadOnlyList<string> AllowedExtensions,
    IReadOnlyList<string> AllowedMethods,
    IReadOnlyList<string>? ImageMethods,
    int? NumberLimits,
    int? ImageNumberLimits)
{
    /// <summary>The app's file_upload feature, or null when it is off (then Dify ignores the request's files).</summary>
    public static FileUploadRules? FromFeatures(JsonObject features)
    {
        if (features["file_upload"] is not JsonObject upload) return null;
        if (IsTrue(upload["enabled"]))
        {
            // Dify derives the image rules from the top-level ones (image_config = number_limits + allowed methods).
            var methods = Strings(upload["allowed_file_upload_methods"]);
            var limit = Int(upload["number_limits"]);
            return new FileUploadRules(Strings(upload["allowed_file_types"]), Extensions(upload["allowed_file_extensions"]), methods, methods, limit, limit);
        }
        // Older exports only have the image block (chat apps before file types were added).
        if (upload["image"] is JsonObject image && IsTrue(image["enabled"]))
        {
            var methods = Strings(image["transfer_methods"]);
            var limit = Int(image["number_limits"]);
            return new FileUploadRules(["image"], [], methods, methods, limit, limit);
        }
        return null;
    }

    /// <summary>A file or file-list start input: its own allowed types, extensions and methods; max_length files.</summary>
    public static FileUploadRules FromStartVariable(StartVariable variable) => new(
        Strings(variable.Raw["allowed_file_types"]),
        Extensions(variable.Raw["allowed_file_extensions"]),
        Strings(variable.Raw["allowed_file_upload_methods"]),
        ImageMethods: null,
        NumberLimits: variable.Type == "file-list" ? variable.MaxLength : null,
        ImageNumberLimits: null);

    /// <summary>400 invalid_param unless a file of <paramref name="type"/> with <paramref name="extension"/>, sent by <paramref name="method"/>, fits.</summary>
    public void Check(string type, string? extension, string method, string? fileName)
    {
        if (!Fits(type, extension, method)) throw ApiErrors.InvalidParam($"File validation failed for file: {fileName ?? extension ?? type}");
    }

    /// <summary>400 invalid_param when there are more files (or images) than allowed.</summary>
    public void CheckCount(IReadOnlyCollection<string> types, string field)
    {
        var images = types.Count(t => t == "image");
        if (ImageNumberLimits is int imageLimit && images > imageLimit)
            throw ApiErrors.InvalidParam($"Number of image files exceeds the maximum limit {imageLimit}");
        if (NumberLimits is int limit and > 0 && types.Count > limit)
            throw ApiErrors.InvalidParam(field == "files"
                ? $"Number of files exceeds the maximum limit {limit}"
                : $"{field} in input form must have at most {limit} files");
    }

    private bool Fits(string type, string? extension, string method)
    {
        if (AllowedTypes.Count > 0 && type != "custom" && !AllowedTypes.Contains(type)) return false;
        // Custom files are judged by extension; an empty list admits none (Dify's rule for start inputs).
        if (type == "custom" && !AllowedExtensions.Contains(NormalizeExtension(extension))) return false;
        if (type == "image" && ImageMethods is not null) return ImageMethods.Count == 0 || ImageMethods.Contains(method);
        return AllowedMethods.Count == 0 || AllowedMethods.Contains(method);
    }

    /// <summary>".PDF", "pdf" and ".pdf" are one extension (Dify's editor stores upper-case ones).</summary>
    private static string NormalizeExtension(string? extension) =>
        string.IsNullOrEmpty(extension) ? "" : "." + extension.TrimStart('.').ToLowerInvariant();

    private static IReadOnlyList<string> Extensions(JsonNode? node) => Strings(node).Select(NormalizeExtension).Where(e => e.Length > 0).ToList();

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array
            ? array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToList()
            : [];

    /// <summary>A count given as a number or a numeric string (YAML exports carry both).</summary>
    private static int? Int(JsonNode? node) => node switch
    {
        // ToJsonString: the value may hold an int, a long or a double (TryGetValue does not convert between them).
        JsonValue v when v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var d) && d >= 0 => (int)d,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 0 => i,
        _ => null,
    };

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;
}
