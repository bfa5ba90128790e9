using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Edge.Inputs;

/// <summary>
/// An input file to template inputs: <c>*.json</c> holding an object is the inputs themselves (an array becomes
/// <c>readings</c>); any other file is a frame (<c>frame</c> = base64 bytes). Both get <c>file_name</c>.
/// </summary>
public static class InputFiles
{
    public static JsonObject ToInputs(string fileName, byte[] content)
    {
        JsonObject inputs;
        if (fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var node = JsonNode.Parse(content) ?? throw new JsonException("empty JSON input");
            inputs = node switch
            {
                JsonObject o => o,
                JsonArray a => new JsonObject { ["readings"] = a },
                _ => throw new JsonException("a JSON input must be an object or an array"),
            };
        }
        else
        {
            inputs = new JsonObject { ["frame"] = Convert.ToBase64String(content) };
        }

        inputs["file_name"] ??= fileName;
        return inputs;
    }
}
