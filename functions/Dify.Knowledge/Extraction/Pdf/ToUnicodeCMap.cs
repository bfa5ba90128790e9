using System.Globalization;
using System.Text;

namespace Dify.Knowledge.Extraction.Pdf;

/// <summary>
/// A font's /ToUnicode CMap (PDF 32000 §9.10.3): codespace ranges decide how many bytes a character code takes,
/// bfchar and bfrange map codes to UTF-16BE strings (ranges either increment the last byte of the destination or
/// list one destination per code).
/// </summary>
internal sealed class ToUnicodeCMap
{
    private readonly Dictionary<uint, string> _map = [];
    private readonly List<(int Bytes, uint Low, uint High)> _codespaces = [];

    /// <summary>Bytes per code when the CMap declares one size only (the common case); 0 when it mixes sizes.</summary>
    public int FixedCodeLength { get; private set; }

    public bool TryMap(uint code, out string text) => _map.TryGetValue(code, out text!);

    /// <summary>How many bytes the code starting at <paramref name="bytes"/> takes, by the codespace ranges.</summary>
    public int CodeLength(ReadOnlySpan<byte> bytes)
    {
        if (FixedCodeLength > 0) return FixedCodeLength;
        for (var length = 1; length <= Math.Min(4, bytes.Length); length++)
        {
            var code = Code(bytes[..length]);
            foreach (var (n, low, high) in _codespaces)
                if (n == length && code >= low && code <= high) return length;
        }
        return 1;
    }

    public static uint Code(ReadOnlySpan<byte> bytes)
    {
        uint code = 0;
        foreach (var b in bytes) code = code << 8 | b;
        return code;
    }

    public static ToUnicodeCMap Parse(byte[] data)
    {
        var cmap = new ToUnicodeCMap();
        var tokens = Tokenize(Encoding.Latin1.GetString(data));
        for (var i = 0; i < tokens.Count; i++)
        {
            switch (tokens[i])
            {
                case "begincodespacerange":
                    for (i++; i + 1 < tokens.Count && tokens[i] != "endcodespacerange"; i += 2)
                        if (IsHex(tokens[i]) && IsHex(tokens[i + 1]))
                            cmap._codespaces.Add((Hex(tokens[i]).Length, Code(Hex(tokens[i])), Code(Hex(tokens[i + 1]))));
                    break;
                case "beginbfchar":
                    for (i++; i + 1 < tokens.Count && tokens[i] != "endbfchar"; i += 2)
                        if (IsHex(tokens[i]) && IsHex(tokens[i + 1])) cmap._map[Code(Hex(tokens[i]))] = Utf16(Hex(tokens[i + 1]));
                    break;
                case "beginbfrange":
                    for (i++; i + 2 < tokens.Count && tokens[i] != "endbfrange";)
                    {
                        var low = Code(Hex(tokens[i]));
                        var high = Code(Hex(tokens[i + 1]));
                        if (high < low || high - low > 0xFFFF) high = low; // a malformed range maps its first code only
                        if (tokens[i + 2] == "[")
                        {
                            var j = i + 3;
                            for (var code = low; j < tokens.Count && tokens[j] != "]"; j++, code++)
                                if (IsHex(tokens[j])) cmap._map[code] = Utf16(Hex(tokens[j]));
                            i = j + 1;
                        }
                        else
                        {
                            var destination = Hex(tokens[i + 2]);
                            for (var code = low; code <= high; code++)
                            {
                                cmap._map[code] = Utf16(destination);
                                Increment(destination);
                            }
                            i += 3;
                        }
                    }
                    break;
            }
        }
        var sizes = cmap._codespaces.Select(c => c.Bytes).Distinct().ToList();
        cmap.FixedCodeLength = sizes.Count switch
        {
            0 => cmap._map.Keys.Any(k => k > 0xFF) ? 2 : 1,
            1 => sizes[0],
            _ => 0,
        };
        return cmap;
    }

    /// <summary>Adds one to the last byte (a bfrange's destination for the next code), carrying like Adobe's reader.</summary>
    private static void Increment(byte[] destination)
    {
        for (var k = destination.Length - 1; k >= 0; k--)
            if (++destination[k] != 0) return;
    }

    private static string Utf16(byte[] bytes) => bytes.Length % 2 == 0 ? Encoding.BigEndianUnicode.GetString(bytes) : Encoding.Latin1.GetString(bytes);

    private static bool IsHex(string token) => token.Length >= 2 && token[0] == '<' && token[^1] == '>';

    private static byte[] Hex(string token)
    {
        var digits = new StringBuilder();
        foreach (var c in token.AsSpan(1, token.Length - 2))
            if (char.IsAsciiHexDigit(c)) digits.Append(c);
        if (digits.Length % 2 == 1) digits.Append('0');
        var bytes = new byte[digits.Length / 2];
        for (var k = 0; k < bytes.Length; k++) bytes[k] = byte.Parse(digits.ToString(k * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return bytes;
    }

    /// <summary>Hex strings, brackets and bare words; comments dropped.</summary>
    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '%')
            {
                while (i < text.Length && text[i] != '\n' && text[i] != '\r') i++;
                continue;
            }
            if (c == '<' && i + 1 < text.Length && text[i + 1] != '<')
            {
                var end = text.IndexOf('>', i);
                if (end < 0) break;
                tokens.Add(text[i..(end + 1)]);
                i = end + 1;
                continue;
            }
            if (c is '[' or ']')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('[' or ']' or '%') && !(text[i] == '<' && i > start)) i++;
            if (i == start) i++;
            tokens.Add(text[start..i]);
        }
        return tokens;
    }
}
