using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Knowledge.AzureSearch.Tests.Server;

/// <summary>
/// The subset of Azure AI Search's OData filter syntax this server executes: <c>eq ne gt lt ge le</c> against string,
/// number, boolean and null literals, <c>and or not</c>, parentheses, <c>search.in(field, 'a,b'[, 'delims'])</c>, and
/// <c>collection/any(x: …)</c>. Anything else is a 400, as on the service.
/// </summary>
internal sealed class ODataFilterParser
{
    private readonly List<string> _tokens;
    private int _at;

    private ODataFilterParser(string text) => _tokens = Tokenize(text);

    /// <summary>A predicate over a document (its fields by name).</summary>
    public static Func<JsonObject, bool> Parse(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter)) return _ => true;
        var parser = new ODataFilterParser(filter);
        var expr = parser.Or();
        if (parser._at != parser._tokens.Count) throw new FormatException($"Invalid expression: unexpected '{parser._tokens[parser._at]}'.");
        return doc => expr(name => doc[name]);
    }

    private delegate bool Expr(Func<string, JsonNode?> resolve);

    private Expr Or()
    {
        var left = And();
        while (Accept("or"))
        {
            var l = left;
            var r = And();
            left = env => l(env) || r(env);
        }
        return left;
    }

    private Expr And()
    {
        var left = Unary();
        while (Accept("and"))
        {
            var l = left;
            var r = Unary();
            left = env => l(env) && r(env);
        }
        return left;
    }

    private Expr Unary()
    {
        if (!Accept("not")) return Primary();
        var inner = Unary();
        return env => !inner(env);
    }

    private Expr Primary()
    {
        if (Accept("("))
        {
            var inner = Or();
            Expect(")");
            return inner;
        }
        if (Accept("true")) return _ => true;
        if (Accept("false")) return _ => false;
        var name = Next();
        if (name == "search.in")
        {
            Expect("(");
            var field = Next();
            Expect(",");
            var values = StringLiteral(Next());
            var delimiters = Accept(",") ? StringLiteral(Next()) : " ,";
            Expect(")");
            var set = values.Split(delimiters.ToCharArray(), StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            return env => env(field) is JsonValue v && v.GetValueKind() == JsonValueKind.String && set.Contains(v.GetValue<string>());
        }
        if (name.EndsWith("/any", StringComparison.Ordinal))
        {
            var collection = name[..^4];
            Expect("(");
            var variable = Next();
            Expect(":");
            var body = Or();
            Expect(")");
            return env => env(collection) is JsonArray items &&
                          items.Any(item => body(n => n == variable ? item : env(n)));
        }
        if (!IsIdentifier(name)) throw new FormatException($"Invalid expression: '{name}' is not a field.");
        var op = Next();
        var literal = Literal(Next());
        return op switch
        {
            "eq" => env => Compare(env(name), literal) == 0,
            "ne" => env => Compare(env(name), literal) != 0,
            "gt" => env => Compare(env(name), literal) is > 0 and not int.MaxValue,
            "lt" => env => Compare(env(name), literal) < 0,
            "ge" => env => Compare(env(name), literal) is >= 0 and not int.MaxValue,
            "le" => env => Compare(env(name), literal) <= 0,
            _ => throw new FormatException($"Invalid expression: unknown operator '{op}'."),
        };
    }

    /// <summary>0 equal, ±1 ordered, int.MaxValue not comparable (null against a value, or mixed kinds).</summary>
    private static int Compare(JsonNode? value, object? literal)
    {
        if (value is null || literal is null) return value is null && literal is null ? 0 : int.MaxValue;
        var v = (JsonValue)value;
        return literal switch
        {
            string s when v.GetValueKind() == JsonValueKind.String => Math.Sign(string.CompareOrdinal(v.GetValue<string>(), s)),
            double d when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>().CompareTo(d),
            bool b when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() == b ? 0 : int.MaxValue,
            _ => int.MaxValue,
        };
    }

    private static object? Literal(string token) => token switch
    {
        "null" => null,
        "true" => true,
        "false" => false,
        _ when token.StartsWith('\'') => StringLiteral(token),
        _ when double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new FormatException($"Invalid expression: '{token}' is not a literal."),
    };

    private static string StringLiteral(string token)
    {
        if (token.Length < 2 || token[0] != '\'' || token[^1] != '\'') throw new FormatException($"Invalid expression: '{token}' is not a string.");
        return token[1..^1].Replace("''", "'", StringComparison.Ordinal);
    }

    private static bool IsIdentifier(string token) => token.Length > 0 && (char.IsLetter(token[0]) || token[0] == '_');

    private bool Accept(string token)
    {
        if (_at < _tokens.Count && _tokens[_at] == token)
        {
            _at++;
            return true;
        }
        return false;
    }

    private void Expect(string token)
    {
        if (!Accept(token)) throw new FormatException($"Invalid expression: expected '{token}'.");
    }

    private string Next() => _at < _tokens.Count ? _tokens[_at++] : throw new FormatException("Invalid expression: unexpected end.");

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '(' or ')' or ',' or ':') { tokens.Add(c.ToString()); i++; continue; }
            if (c == '\'')
            {
                var sb = new StringBuilder("'");
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FormatException("Invalid expression: unterminated string.");
                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'') { sb.Append("''"); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(text[i++]);
                }
                tokens.Add(sb.Append('\'').ToString());
                continue;
            }
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or ',' or ':' or '\'')) i++;
            tokens.Add(text[start..i]);
        }
        return tokens;
    }
}
