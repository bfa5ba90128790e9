using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dify.Workflows.Dsl.Yaml;

/// <summary>
/// Reads one YAML document into <see cref="System.Text.Json.Nodes"/> with PyYAML <c>safe_load</c> semantics:
/// plain scalars resolved by YAML 1.1 rules, quoted and block scalars always strings, anchors and aliases
/// expanded (as copies), <c>&lt;&lt;</c> merge keys applied, and key order kept. Works on parser events
/// rather than YamlDotNet's deserializer because that one follows YAML 1.2 and loses scalar style.
/// One instance per document: it holds that document's anchors.
/// </summary>
internal sealed class YamlJsonReader
{
    private const string TagPrefix = "tag:yaml.org,2002:";
    private readonly Dictionary<string, JsonNode?> anchors = new(StringComparer.Ordinal);
    private readonly IParser parser;

    private YamlJsonReader(IParser parser) => this.parser = parser;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="YamlException"/> with a position on bad input.</summary>
    public static JsonNode? Read(string text)
    {
        var reader = new YamlJsonReader(new Parser(new StringReader(text)));
        return reader.ReadStream();
    }

    private JsonNode? ReadStream()
    {
        parser.Consume<StreamStart>();
        if (parser.TryConsume<StreamEnd>(out _)) return null;
        parser.Consume<DocumentStart>();
        var root = ReadValue();
        parser.Consume<DocumentEnd>();
        if (parser.Accept<DocumentStart>(out var extra))
            throw new YamlException(extra.Start, extra.End, "expected a single document in the stream, but found another document");
        parser.Consume<StreamEnd>();
        return root;
    }

    private JsonNode? ReadValue()
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var target))
                throw new YamlException(alias.Start, alias.End, $"found undefined alias '{alias.Value.Value}'");
            return target?.DeepClone();
        }
        if (parser.TryConsume<Scalar>(out var scalar)) return Remember(scalar.Anchor, ResolveScalar(scalar));
        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            CheckCollectionTag(sequenceStart.Tag, "seq", sequenceStart);
            var array = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _)) array.Add(ReadValue());
            return Remember(sequenceStart.Anchor, array);
        }
        var mappingStart = parser.Consume<MappingStart>();
        CheckCollectionTag(mappingStart.Tag, "map", mappingStart);
        return Remember(mappingStart.Anchor, ReadMapping());
    }

    private JsonObject ReadMapping()
    {
        var merged = new List<KeyValuePair<string, JsonNode?>>();
        var own = new List<KeyValuePair<string, JsonNode?>>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyEvent = parser.Current;
            if (parser.Accept<Scalar>(out var keyScalar) && keyScalar.Style == ScalarStyle.Plain && keyScalar.Value == "<<" && keyScalar.Tag.IsEmpty)
            {
                parser.MoveNext();
                merged.AddRange(ReadMergeSource(keyScalar));
                continue;
            }
            var key = ReadKey(keyEvent);
            own.Add(new(key, ReadValue()));
        }
        // PyYAML puts merged pairs before the mapping's own pairs, and later pairs overwrite earlier ones
        // in place, so merged keys come first in the order and explicit keys win.
        var result = new JsonObject();
        foreach (var (key, value) in merged.Concat(own))
            result[key] = value;
        return result;
    }

    // A merge value is a mapping or a list of mappings; with a list, earlier mappings win over later ones.
    private List<KeyValuePair<string, JsonNode?>> ReadMergeSource(ParsingEvent at)
    {
        var value = ReadValue();
        var sources = value switch
        {
            JsonObject map => [map],
            JsonArray list when list.All(item => item is JsonObject) => list.Cast<JsonObject>().Reverse().ToList(),
            _ => throw new YamlException(at.Start, at.End, "a merge key (<<) needs a mapping or a list of mappings"),
        };
        var pairs = new List<KeyValuePair<string, JsonNode?>>();
        foreach (var source in sources)
            foreach (var (key, item) in source) pairs.Add(new(key, item?.DeepClone()));
        return pairs;
    }

    // JSON object keys are strings; a plain key keeps its source text (`1: x` gives "1", `on: x` gives "on").
    private string ReadKey(ParsingEvent? at)
    {
        var key = ReadValue();
        return key switch
        {
            null => "null",
            JsonValue when at is Scalar scalar => scalar.Value,
            JsonValue value => JsonText.ScalarText(value) ?? "",
            _ => throw new YamlException(at?.Start ?? Mark.Empty, at?.End ?? Mark.Empty, "mapping keys must be scalars"),
        };
    }

    private static JsonNode? ResolveScalar(Scalar scalar)
    {
        if (!scalar.Tag.IsEmpty && scalar.Tag.Value != "!") return ResolveTagged(scalar);
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty) return JsonValue.Create(scalar.Value);
        return Yaml11Scalars.ResolvePlain(scalar.Value);
    }

    // Explicit standard tags (`!!str 123`, `!!int "7"`); safe_load refuses any other tag.
    private static JsonNode? ResolveTagged(Scalar scalar)
    {
        var tag = scalar.Tag.Value;
        var text = scalar.Value;
        var resolved = Yaml11Scalars.ResolvePlain(text);
        return tag switch
        {
            TagPrefix + "str" => JsonValue.Create(text),
            TagPrefix + "null" when resolved is null => null,
            TagPrefix + "bool" when resolved is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => resolved,
            TagPrefix + "int" when resolved is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && !text.Contains('.', StringComparison.Ordinal) => resolved,
            TagPrefix + "float" when resolved is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number => JsonValue.Create(Yaml11Scalars.ParseFloat(text.Contains('.', StringComparison.Ordinal) || text.Contains(':', StringComparison.Ordinal) ? text : text + ".0")),
            _ => throw new YamlException(scalar.Start, scalar.End, $"could not determine a constructor for the tag '{tag}' on value '{text}'"),
        };
    }

    private static void CheckCollectionTag(TagName tag, string kind, ParsingEvent at)
    {
        if (tag.IsEmpty || tag.Value == "!" || tag.Value == TagPrefix + kind) return;
        throw new YamlException(at.Start, at.End, $"could not determine a constructor for the tag '{tag.Value}'");
    }

    private JsonNode? Remember(AnchorName anchor, JsonNode? node)
    {
        if (!anchor.IsEmpty) anchors[anchor.Value] = node;
        return node;
    }
}
