using System.Buffers;
using System.Text.Json;

namespace Dify.Edge.Link.Queue;

/// <summary>Stores an event's properties as a flat JSON object of strings (NULL when there are none).</summary>
internal static class PropertiesCodec
{
    public static byte[]? Encode(IReadOnlyDictionary<string, string> properties)
    {
        if (properties.Count == 0)
        {
            return null;
        }
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in properties)
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static IReadOnlyDictionary<string, string> Decode(byte[]? json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null || json.Length == 0)
        {
            return result;
        }
        var reader = new Utf8JsonReader(json);
        reader.Read(); // StartObject
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            result[key] = reader.GetString() ?? "";
        }
        return result;
    }
}
