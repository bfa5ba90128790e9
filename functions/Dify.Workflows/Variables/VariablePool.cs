using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dify.Workflows.Values;

namespace Dify.Workflows.Variables;

/// <summary>
/// The run's variables: node_id → name → value (DIFY-SPEC §3.1). Values are JSON nodes that are
/// never mutated once stored (writers replace, readers clone before embedding), so a pool can be
/// copied cheaply for iteration items and activity inputs.
/// Not thread-safe: the orchestrator owns it on one thread; activities get their own copy.
/// </summary>
[JsonConverter(typeof(VariablePoolJsonConverter))]
public sealed class VariablePool
{
    public const string SystemNode = "sys";
    public const string EnvironmentNode = "env";
    public const string ConversationNode = "conversation";

    private readonly Dictionary<string, Dictionary<string, JsonNode?>> _nodes;

    public VariablePool() => _nodes = new(StringComparer.Ordinal);

    private VariablePool(Dictionary<string, Dictionary<string, JsonNode?>> nodes) => _nodes = nodes;

    /// <summary>Stores a value under [nodeId, name]. A value attached to another JSON tree is cloned.</summary>
    public void Set(string nodeId, string name, JsonNode? value)
    {
        if (!_nodes.TryGetValue(nodeId, out var vars))
        {
            vars = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            _nodes[nodeId] = vars;
        }
        vars[name] = value?.Parent is null ? value : value.DeepClone();
    }

    public void Set(Selector selector, JsonNode? value)
    {
        if (selector.Parts.Count != 2) throw new ArgumentException($"Only [node, name] selectors can be written, got {selector}.");
        Set(selector.NodeId, selector.Name, value);
    }

    /// <summary>Stores every key of a node's outputs as [nodeId, key].</summary>
    public void SetOutputs(string nodeId, JsonObject outputs)
    {
        foreach (var (key, value) in outputs) Set(nodeId, key, value);
    }

    public bool Contains(string nodeId, string name) => _nodes.TryGetValue(nodeId, out var v) && v.ContainsKey(name);

    /// <summary>Looks a selector up; returns false when the variable is absent. A missing nested path yields (true, null).</summary>
    public bool TryGet(Selector selector, out JsonNode? value)
    {
        value = null;
        if (!_nodes.TryGetValue(selector.NodeId, out var vars) || !vars.TryGetValue(selector.Name, out var root)) return false;
        value = Navigate(root, selector.Path);
        return true;
    }

    public JsonNode? Get(Selector selector) => TryGet(selector, out var v) ? v : null;

    public JsonNode? Get(string nodeId, string name) => _nodes.TryGetValue(nodeId, out var v) && v.TryGetValue(name, out var n) ? n : null;

    /// <summary>Drops every variable of a node (loop rounds clear the body's outputs).</summary>
    public void RemoveNode(string nodeId) => _nodes.Remove(nodeId);

    public IEnumerable<string> NodeIds => _nodes.Keys;

    public IReadOnlyDictionary<string, JsonNode?> VariablesOf(string nodeId) =>
        _nodes.TryGetValue(nodeId, out var v) ? v : new Dictionary<string, JsonNode?>();

    /// <summary>A copy that shares the (immutable) values but not the maps.</summary>
    public VariablePool Copy()
    {
        var copy = new Dictionary<string, Dictionary<string, JsonNode?>>(_nodes.Count, StringComparer.Ordinal);
        foreach (var (id, vars) in _nodes) copy[id] = new Dictionary<string, JsonNode?>(vars, StringComparer.Ordinal);
        return new VariablePool(copy);
    }

    private static JsonNode? Navigate(JsonNode? node, ReadOnlySpan<string> path)
    {
        foreach (var part in path)
        {
            node = node switch
            {
                JsonObject f when FileValue.IsFile(f) && FileValue.Attributes.Contains(part) => FileValue.GetAttribute(f, part),
                JsonObject o => o.TryGetPropertyValue(part, out var child) ? child : null,
                _ => null, // Dify does not index arrays through selectors.
            };
            if (node is null) return null;
        }
        return node;
    }

    public JsonObject ToJson()
    {
        var root = new JsonObject();
        foreach (var (id, vars) in _nodes)
        {
            var o = new JsonObject();
            foreach (var (name, value) in vars) o[name] = value?.DeepClone();
            root[id] = o;
        }
        return root;
    }

    public static VariablePool FromJson(JsonObject json)
    {
        var pool = new VariablePool();
        foreach (var (id, vars) in json)
        {
            if (vars is not JsonObject o) continue;
            foreach (var (name, value) in o) pool.Set(id, name, value?.DeepClone());
        }
        return pool;
    }
}

internal sealed class VariablePoolJsonConverter : JsonConverter<VariablePool>
{
    public override VariablePool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonNode.Parse(ref reader) is JsonObject o ? VariablePool.FromJson(o) : new VariablePool();

    public override void Write(Utf8JsonWriter writer, VariablePool value, JsonSerializerOptions options) =>
        value.ToJson().WriteTo(writer, options);
}
