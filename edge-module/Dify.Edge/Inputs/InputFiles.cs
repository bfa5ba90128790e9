using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Edge.Inputs;

/// <summary>
/// An input file to template inputs: <c>*.json</c> holding an object is the inputs themselves (an array becomes
/// <c>readings</c>); any other file is a frame (<c>frame</c> = base64 bytes). Both get <c>file_name</c>. Messages on a
/// module input follow the same rules, JSON when their content type (<c>$.ct</c>) says so or, without one, when the body
/// is a JSON object or array; they get <c>input_name</c>.
/// </summary>
public static class InputFiles
{
    public static JsonObject ToInputs(string fileName, byte[] content)
    {
        var inputs = fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? FromJson(content) : Frame(content);
        inputs["file_name"] ??= fileName;
        return inputs;
    }

    public static JsonObject FromMessage(string inputName, IReadOnlyDictionary<string, string> properties, ReadOnlySpan<byte> body)
    {
        var json = properties.TryGetValue("$.ct", out var contentType) && contentType.Length > 0
            ? contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
            : LooksLikeJson(body);
        var inputs = json ? FromJson(body) : Frame(body);
        inputs["input_name"] ??= inputName;
        return inputs;
    }

    private static JsonObject FromJson(ReadOnlySpan<byte> content) => (JsonNode.Parse(content) ?? throw new JsonException("empty JSON input")) switch
    {
        JsonObject o => o,
        JsonArray a => new JsonObject { ["readings"] = a },
        _ => throw new JsonException("a JSON input must be an object or an array"),
    };

    private static JsonObject Frame(ReadOnlySpan<byte> content) => new() { ["frame"] = Convert.ToBase64String(content) };

    /// <summary>A JSON object or array (a raw frame may happen to start with '{'; it is a frame unless it parses).</summary>
    private static bool LooksLikeJson(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || (trimmed[0] != (byte)'{' && trimmed[0] != (byte)'[')) return false;
        try
        {
            var reader = new Utf8JsonReader(body);
            reader.Read();
            reader.Skip();
            return !reader.Read(); // one complete value, nothing after it
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
