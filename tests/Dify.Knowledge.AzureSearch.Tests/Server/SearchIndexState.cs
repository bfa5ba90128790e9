using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dify.Knowledge.AzureSearch.Tests.Server;

/// <summary>One index on the local server: its definition as the SDK sent it, and its documents in upload order.</summary>
internal sealed partial class SearchIndexState(JsonObject definition)
{
    public JsonObject Definition { get; private set; } = definition;
    public OrderedDictionary<string, JsonObject> Documents { get; } = new(StringComparer.Ordinal);
    public Lock Gate { get; } = new();

    public IEnumerable<JsonObject> Fields => (Definition["fields"] as JsonArray ?? []).OfType<JsonObject>();

    public string KeyField => Fields.First(f => f["key"]?.GetValue<bool>() == true)["name"]!.GetValue<string>();

    public JsonObject? Field(string name) => Fields.FirstOrDefault(f => f["name"]?.GetValue<string>() == name);

    public IReadOnlyList<string> SearchableTextFields => Fields
        .Where(f => f["searchable"]?.GetValue<bool>() == true && f["type"]?.GetValue<string>() == "Edm.String")
        .Select(f => f["name"]!.GetValue<string>()).ToList();

    public bool IsHidden(string field) => Field(field) is { } f && (f["retrievable"]?.GetValue<bool>() == false || f["hidden"]?.GetValue<bool>() == true);

    /// <summary>Checks an index definition the way the service would (one string key, vector fields with a profile that names an algorithm, semantic fields that exist).</summary>
    public static string? Validate(JsonObject definition)
    {
        var fields = (definition["fields"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var keys = fields.Where(f => f["key"]?.GetValue<bool>() == true).ToList();
        if (keys.Count != 1 || keys[0]["type"]?.GetValue<string>() != "Edm.String") return "The index must have exactly one key field of type Edm.String.";
        var profiles = (definition["vectorSearch"]?["profiles"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var algorithms = (definition["vectorSearch"]?["algorithms"] as JsonArray ?? []).OfType<JsonObject>().Select(a => a["name"]?.GetValue<string>()).ToHashSet();
        foreach (var f in fields.Where(f => f["type"]?.GetValue<string>() == "Collection(Edm.Single)"))
        {
            var profile = profiles.FirstOrDefault(p => p["name"]?.GetValue<string>() == f["vectorSearchProfile"]?.GetValue<string>());
            if (f["dimensions"] is null || profile is null) return $"Vector field '{f["name"]}' needs dimensions and an existing vectorSearchProfile.";
            if (!algorithms.Contains(profile["algorithm"]?.GetValue<string>())) return $"Profile '{profile["name"]}' names an unknown algorithm.";
        }
        var names = fields.Select(f => f["name"]?.GetValue<string>()).ToHashSet();
        foreach (var config in (definition["semantic"]?["configurations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var used = (config["prioritizedFields"]?["prioritizedContentFields"] as JsonArray ?? []).Select(x => x?["fieldName"]?.GetValue<string>())
                .Append(config["prioritizedFields"]?["titleField"]?["fieldName"]?.GetValue<string>()).Where(x => x is not null);
            if (used.Any(u => !names.Contains(u))) return $"Semantic configuration '{config["name"]}' names a field the index lacks.";
        }
        return null;
    }

    /// <summary>An update may add fields but not change an existing one's type or dimensions (as on the service).</summary>
    public string? Update(JsonObject definition)
    {
        foreach (var f in (definition["fields"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Field(f["name"]!.GetValue<string>()) is not { } old) continue;
            if (old["type"]?.ToJsonString() != f["type"]?.ToJsonString() || old["dimensions"]?.ToJsonString() != f["dimensions"]?.ToJsonString())
                return $"Existing field '{f["name"]}' cannot be changed.";
        }
        Definition = definition;
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_\\-=]{1,1024}$")]
    public static partial Regex ValidKey();
}
