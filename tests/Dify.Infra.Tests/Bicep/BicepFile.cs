using System.Text.RegularExpressions;

namespace Dify.Infra.Tests.Bicep;

/// <summary>A <c>param</c> declaration; <see cref="Optional"/> when it has a default or a nullable type.</summary>
public sealed record BicepParam(string Name, string Type, bool Optional);

/// <summary>A <c>resource</c> declaration: symbol, type, API version (null when the type string has none).</summary>
public sealed record BicepResource(string Symbol, string Type, string? ApiVersion, bool Existing, int BodyOpen);

/// <summary>A <c>module</c> declaration: symbol, path relative to the declaring file, body position.</summary>
public sealed record BicepModule(string Symbol, string Path, int BodyOpen);

/// <summary>
/// The declarations of one Bicep file, found with line-anchored regexes over <see cref="BicepText.Code"/>
/// (comments and strings blanked) and brace matching. Small on purpose: enough for consistency checks
/// between files, not a compiler.
/// </summary>
public sealed partial class BicepFile
{
    private BicepFile(string path, string source)
    {
        Path = path;
        Text = new BicepText(source);
        var code = Text.Code;
        var src = Text.Source;

        Params = ParamRegex().Matches(code)
            .Select(m => new BicepParam(m.Groups["name"].Value, m.Groups["type"].Value,
                Optional: m.Groups["default"].Success || m.Groups["type"].Value.EndsWith('?')))
            .ToList();
        Outputs = OutputRegex().Matches(code).Select(m => m.Groups["name"].Value).ToList();
        Variables = VarRegex().Matches(code).Select(m => m.Groups["name"].Value).ToList();

        Resources = ResourceRegex().Matches(code).Select(m =>
        {
            // The type string is blanked in Code; read it from the source at the same place.
            var type = src.Substring(m.Groups["type"].Index, m.Groups["type"].Length);
            var at = type.IndexOf('@', StringComparison.Ordinal);
            return new BicepResource(m.Groups["symbol"].Value,
                at < 0 ? type : type[..at], at < 0 ? null : type[(at + 1)..],
                m.Groups["existing"].Success, Text.NextObjectOpen(m.Index + m.Length));
        }).ToList();

        Modules = ModuleRegex().Matches(code).Select(m => new BicepModule(
            m.Groups["symbol"].Value,
            src.Substring(m.Groups["path"].Index, m.Groups["path"].Length),
            Text.NextObjectOpen(m.Index + m.Length))).ToList();
    }

    public string Path { get; }

    public BicepText Text { get; }

    public IReadOnlyList<BicepParam> Params { get; }

    public IReadOnlyList<string> Outputs { get; }

    public IReadOnlyList<string> Variables { get; }

    public IReadOnlyList<BicepResource> Resources { get; }

    public IReadOnlyList<BicepModule> Modules { get; }

    public static BicepFile Load(string path) => new(path, File.ReadAllText(path));

    public static BicepFile Parse(string source, string path = "inline.bicep") => new(path, source);

    /// <summary>Top-level keys of the object at <paramref name="open"/>, by name (last one wins).</summary>
    public IReadOnlyDictionary<string, int> Keys(int open)
    {
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, valueStart) in Text.TopLevelKeys(open))
            keys[key] = valueStart;
        return keys;
    }

    /// <summary>The object value of <paramref name="key"/> inside the object at <paramref name="open"/>, or -1.</summary>
    public int ObjectValue(int open, string key)
    {
        if (!Keys(open).TryGetValue(key, out var valueStart))
            return -1;
        var i = valueStart;
        while (i < Text.Code.Length && Text.Code[i] is ' ' or '\t')
            i++;
        return i < Text.Code.Length && Text.Code[i] == '{' ? i : -1;
    }

    /// <summary>Every <c>symbol.outputs.name</c> reference in code (interpolations included).</summary>
    public IEnumerable<(string Symbol, string Output)> OutputReferences() =>
        OutputRefRegex().Matches(Text.Code).Select(m => (m.Groups["symbol"].Value, m.Groups["output"].Value));

    [GeneratedRegex(@"^[ \t]*param[ \t]+(?<name>\w+)[ \t]+(?<type>[\w.?\[\]]+)(?<default>[ \t]*=)?", RegexOptions.Multiline)]
    private static partial Regex ParamRegex();

    [GeneratedRegex(@"^[ \t]*output[ \t]+(?<name>\w+)[ \t]+", RegexOptions.Multiline)]
    private static partial Regex OutputRegex();

    [GeneratedRegex(@"^[ \t]*var[ \t]+(?<name>\w+)[ \t]*=", RegexOptions.Multiline)]
    private static partial Regex VarRegex();

    [GeneratedRegex(@"^[ \t]*resource[ \t]+(?<symbol>\w+)[ \t]+'(?<type>[^']*)'[ \t]+(?<existing>existing[ \t]*)?=", RegexOptions.Multiline)]
    private static partial Regex ResourceRegex();

    [GeneratedRegex(@"^[ \t]*module[ \t]+(?<symbol>\w+)[ \t]+'(?<path>[^']*)'[ \t]*=", RegexOptions.Multiline)]
    private static partial Regex ModuleRegex();

    [GeneratedRegex(@"\b(?<symbol>[A-Za-z_]\w*)\.outputs\.(?<output>[A-Za-z_]\w*)")]
    private static partial Regex OutputRefRegex();
}
