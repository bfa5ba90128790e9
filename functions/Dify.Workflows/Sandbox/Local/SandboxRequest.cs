using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Sandbox.Local;

/// <summary>
/// Serialises one call for a worker: the JSON object of the request without its id (the worker
/// adds that), so the size limit is checked once and the bytes are reused as they are.
/// </summary>
internal static class SandboxRequest
{
    public static byte[] Build(CodeLanguage language, string code, JsonObject inputs, LocalSandboxOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + code.Length * 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("lang", LanguageName(language));
            writer.WriteString("code", code);
            writer.WriteNumber("max_output", options.MaxOutputBytes);
            writer.WriteNumber("timeout_ms", (long)options.CallTimeout.TotalMilliseconds);
            if (language == CodeLanguage.JavaScript)
            {
                // Parsed inside the vm context, so the user's objects come from the context's realm.
                writer.WriteString("inputs_json", ToJsonBytes(inputs));
            }
            else
            {
                writer.WritePropertyName("inputs");
                WriteNode(writer, inputs);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static string LanguageName(CodeLanguage language) => language switch
    {
        CodeLanguage.Python3 => "python3",
        CodeLanguage.JavaScript => "javascript",
        CodeLanguage.Jinja2 => "jinja2",
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "unknown code language"),
    };

    private static byte[] ToJsonBytes(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) WriteNode(writer, node);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Like JsonNode.WriteTo, except that a double holding a whole number is written as "1.0", not
    /// "1": Python tells int from float, and a float input must arrive as a float.
    /// </summary>
    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj)
                {
                    writer.WritePropertyName(name);
                    WriteNode(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) WriteNode(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValue value when value.TryGetValue<JsonElement>(out var element):
                element.WriteTo(writer); // parsed JSON keeps its original number text
                break;
            case JsonValue value when value.TryGetValue<double>(out var d):
                WriteFloat(writer, d);
                break;
            case JsonValue value when value.TryGetValue<float>(out var f):
                WriteFloat(writer, f);
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, double d)
    {
        if (!double.IsFinite(d)) throw new CodeExecutionException($"Inputs contain {d}, which JSON cannot carry");
        if (d == Math.Floor(d) && Math.Abs(d) < 1e15)
            writer.WriteRawValue(d.ToString("F1", CultureInfo.InvariantCulture), skipInputValidation: true);
        else
            writer.WriteNumberValue(d);
    }
}
