using System.Text.Json.Nodes;

namespace Dify.Workflows.Variables;

/// <summary>
/// A variable reference: [node_id, variable, ...path]. The first two parts are the pool key;
/// the rest navigate into objects and file attributes (DIFY-SPEC §3.1).
/// </summary>
public sealed class Selector : IEquatable<Selector>
{
    private readonly string[] _parts;

    public Selector(IEnumerable<string> parts)
    {
        _parts = parts.ToArray();
        if (_parts.Length < 2) throw new ArgumentException("A selector needs at least a node id and a variable name.", nameof(parts));
    }

    public Selector(params string[] parts) : this((IEnumerable<string>)parts) { }

    public IReadOnlyList<string> Parts => _parts;
    public string NodeId => _parts[0];
    public string Name => _parts[1];
    public ReadOnlySpan<string> Path => _parts.AsSpan(2);

    public static bool TryParse(JsonNode? node, out Selector? selector)
    {
        selector = null;
        if (node is not JsonArray a || a.Count < 2) return false;
        var parts = new string[a.Count];
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] is not JsonValue v) return false;
            parts[i] = v.ToString();
            if (parts[i].Length == 0) return false;
        }
        selector = new Selector(parts);
        return true;
    }

    /// <summary>Parses "node.var.path" (template form).</summary>
    public static Selector FromDotted(string dotted) => new(dotted.Split('.'));

    public JsonArray ToJson() => new(_parts.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());

    public override string ToString() => string.Join('.', _parts);
    public bool Equals(Selector? other) => other is not null && _parts.AsSpan().SequenceEqual(other._parts);
    public override bool Equals(object? obj) => Equals(obj as Selector);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var p in _parts) h.Add(p);
        return h.ToHashCode();
    }
}
