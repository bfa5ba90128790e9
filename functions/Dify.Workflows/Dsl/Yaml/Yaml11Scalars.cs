using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dify.Workflows.Dsl.Yaml;

/// <summary>
/// Resolves a PLAIN (unquoted) YAML scalar the way PyYAML's YAML 1.1 resolver does, because Dify reads
/// DSL files with <c>yaml.safe_load</c>: <c>yes</c>/<c>on</c> are booleans, <c>017</c> is octal, <c>1:30</c>
/// is 90 and <c>1e5</c> (no dot) stays a string. Timestamps are the one deliberate difference: PyYAML
/// makes them dates, which no DSL field wants, so they stay strings here.
/// </summary>
internal static partial class Yaml11Scalars
{
    [GeneratedRegex("^(?:~|null|Null|NULL|)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$")]
    private static partial Regex TruePattern();

    [GeneratedRegex("^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$")]
    private static partial Regex FalsePattern();

    [GeneratedRegex("^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();

    /// <summary>The value PyYAML would give a plain scalar, as a JSON node (null for YAML null).</summary>
    public static JsonNode? ResolvePlain(string text)
    {
        if (NullPattern().IsMatch(text)) return null;
        if (TruePattern().IsMatch(text)) return JsonValue.Create(true);
        if (FalsePattern().IsMatch(text)) return JsonValue.Create(false);
        if (IntPattern().IsMatch(text)) return ParseInt(text);
        if (FloatPattern().IsMatch(text)) return JsonValue.Create(ParseFloat(text));
        return JsonValue.Create(text);
    }

    /// <summary>True when <paramref name="text"/> written plain would read back as this same string.</summary>
    public static bool ReadsBackAsString(string text) =>
        !NullPattern().IsMatch(text) && !TruePattern().IsMatch(text) && !FalsePattern().IsMatch(text)
        && !IntPattern().IsMatch(text) && !FloatPattern().IsMatch(text);

    public static JsonNode ParseInt(string text)
    {
        var value = text.Replace("_", "", StringComparison.Ordinal);
        var sign = BigInteger.One;
        if (value.StartsWith('-')) sign = BigInteger.MinusOne;
        if (value[0] is '-' or '+') value = value[1..];
        BigInteger result;
        if (value == "0") result = BigInteger.Zero;
        else if (value.StartsWith("0b", StringComparison.Ordinal)) result = ParseBase(value[2..], 2);
        else if (value.StartsWith("0x", StringComparison.Ordinal)) result = ParseBase(value[2..], 16);
        else if (value.StartsWith('0')) result = ParseBase(value[1..], 8);
        else if (value.Contains(':', StringComparison.Ordinal)) result = Sexagesimal(value);
        else result = BigInteger.Parse(value, CultureInfo.InvariantCulture);
        return Number(sign * result);
    }

    public static double ParseFloat(string text)
    {
        var value = text.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        var sign = 1.0;
        if (value.StartsWith('-')) sign = -1.0;
        if (value.Length > 0 && value[0] is '-' or '+') value = value[1..];
        if (value == ".inf") return sign * double.PositiveInfinity;
        if (value == ".nan") return double.NaN;
        if (value.Contains(':', StringComparison.Ordinal))
        {
            var parts = value.Split(':');
            var total = 0.0;
            foreach (var part in parts) total = total * 60 + double.Parse(part, NumberStyles.Float, CultureInfo.InvariantCulture);
            return sign * total;
        }
        return sign * double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static BigInteger ParseBase(string digits, int radix)
    {
        var result = BigInteger.Zero;
        foreach (var c in digits) result = result * radix + Convert.ToInt32(c.ToString(), 16);
        return result;
    }

    private static BigInteger Sexagesimal(string value)
    {
        var result = BigInteger.Zero;
        foreach (var part in value.Split(':')) result = result * 60 + BigInteger.Parse(part, CultureInfo.InvariantCulture);
        return result;
    }

    // Python ints are unbounded; keep exact values where .NET can, and fall back to a double beyond decimal.
    private static JsonNode Number(BigInteger value)
    {
        if (value >= long.MinValue && value <= long.MaxValue) return JsonValue.Create((long)value);
        if (value >= new BigInteger(decimal.MinValue) && value <= new BigInteger(decimal.MaxValue)) return JsonValue.Create((decimal)value);
        return JsonValue.Create((double)value);
    }
}
