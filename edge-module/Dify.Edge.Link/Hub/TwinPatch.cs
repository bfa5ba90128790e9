using System.Text.Json.Nodes;

namespace Dify.Edge.Link.Hub;

/// <summary>
/// How a module twin's desired or reported properties take a patch: an RFC 7396 JSON merge patch (null removes a key,
/// objects merge, anything else replaces), with IoT Hub's <c>$</c>-keys (<c>$version</c>, <c>$metadata</c>) skipped
/// because they describe the patch rather than properties. Used by the module applying desired patches and by the local
/// IoT Hub stand-in applying both kinds.
/// </summary>
public static class TwinPatch
{
    /// <summary>A copy of <paramref name="target"/> with <paramref name="patch"/> applied (neither is changed).</summary>
    public static JsonObject Merge(JsonObject target, JsonObject patch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(patch);
        var result = (JsonObject)target.DeepClone();
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$')) continue;
            if (value is null) result.Remove(key);
            else if (value is JsonObject child && result[key] is JsonObject existing) result[key] = Merge(existing, child);
            else result[key] = value.DeepClone();
        }
        return result;
    }
}
