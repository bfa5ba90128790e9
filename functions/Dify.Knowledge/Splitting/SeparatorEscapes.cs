using System.Globalization;
using System.Text;

namespace Dify.Knowledge.Splitting;

/// <summary>
/// Decodes a stored separator like Python's <c>codecs.decode(s, "unicode_escape")</c> for backslash escapes.
/// Unlike Python, characters outside Latin-1 are kept as typed (Dify turns "。" into mojibake and never splits on it).
/// </summary>
internal static class SeparatorEscapes
{
    public static string Unescape(string value)
    {
        if (!value.Contains('\\')) return value;
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '\\' || i + 1 >= value.Length)
            {
                sb.Append(c);
                continue;
            }
            var next = value[++i];
            switch (next)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case '0': sb.Append('\0'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'x' when TryHex(value, i + 1, 2, out var x): sb.Append((char)x); i += 2; break;
                case 'u' when TryHex(value, i + 1, 4, out var u): sb.Append((char)u); i += 4; break;
                default: sb.Append('\\').Append(next); break;
            }
        }
        return sb.ToString();
    }

    private static bool TryHex(string value, int start, int length, out int result)
    {
        result = 0;
        return start + length <= value.Length
               && int.TryParse(value.AsSpan(start, length), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out result);
    }
}
