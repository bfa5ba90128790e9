using System.Text;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;

namespace Dify.Knowledge.Extraction.Pdf;

/// <summary>
/// Maps one font's character codes to Unicode: the font's /ToUnicode CMap first; else, for simple fonts, its
/// /Encoding (WinAnsi, MacRoman or Standard, with /Differences by glyph name). Composite (Type0) fonts without a
/// ToUnicode CMap cannot be mapped and yield nothing. Also estimates how far text advances (glyph widths in 1/1000
/// em from /Widths, else half an em), which decides where spaces go between separately placed strings.
/// </summary>
internal sealed class PdfFontDecoder
{
    private const double DefaultWidth = 500;

    private readonly ToUnicodeCMap? _toUnicode;
    private readonly string?[]? _simple;
    private readonly bool _composite;
    private readonly int _firstChar;
    private readonly double[] _widths;

    private PdfFontDecoder(ToUnicodeCMap? toUnicode, string?[]? simple, bool composite, int firstChar, double[] widths)
    {
        _toUnicode = toUnicode;
        _simple = simple;
        _composite = composite;
        _firstChar = firstChar;
        _widths = widths;
    }

    /// <summary>For text shown before any Tf, or with a font the resources lack: bytes as WinAnsi.</summary>
    public static PdfFontDecoder Fallback { get; } = new(null, SimpleEncodings.Table(null).Select(c => c.ToString()).ToArray(), false, 0, []);

    public static PdfFontDecoder From(PdfDictionary font)
    {
        var composite = font.Elements.GetName("/Subtype") == "/Type0";
        ToUnicodeCMap? cmap = null;
        if (font.Elements.GetObject("/ToUnicode") is { } toUnicodeItem && Resolve(toUnicodeItem) is PdfDictionary { Stream: { } stream })
        {
            try { cmap = ToUnicodeCMap.Parse(stream.UnfilteredValue); }
            catch (Exception e) when (e is not OutOfMemoryException) { cmap = null; } // a broken CMap: fall back to the encoding
        }
        string?[]? simple = composite ? null : SimpleTable(font);
        var firstChar = font.Elements.GetInteger("/FirstChar");
        var widths = font.Elements.GetArray("/Widths") is { } array ? Numbers(array) : [];
        return new PdfFontDecoder(cmap, simple, composite, firstChar, widths);
    }

    /// <summary>Appends the text of a shown string; returns its advance in 1/1000 em.</summary>
    public double Decode(ReadOnlySpan<byte> bytes, StringBuilder text)
    {
        double advance = 0;
        var i = 0;
        while (i < bytes.Length)
        {
            var length = _toUnicode?.CodeLength(bytes[i..]) ?? (_composite ? 2 : 1);
            length = Math.Min(length, bytes.Length - i);
            var code = ToUnicodeCMap.Code(bytes.Slice(i, length));
            i += length;
            if (_toUnicode is not null && _toUnicode.TryMap(code, out var mapped)) text.Append(mapped);
            else if (_simple is not null && code < 256 && _simple[code] is { } fromEncoding) text.Append(fromEncoding);
            advance += code >= _firstChar && code - _firstChar < _widths.Length && !_composite ? _widths[code - _firstChar] : DefaultWidth;
        }
        return advance;
    }

    /// <summary>Codes 0-255 of a simple font: the base encoding with /Differences applied.</summary>
    private static string?[] SimpleTable(PdfDictionary font)
    {
        string? baseName = null;
        PdfArray? differences = null;
        var encoding = font.Elements.GetObject("/Encoding") is { } item ? Resolve(item) : null;
        if (encoding is PdfName name) baseName = name.Value;
        else if (encoding is PdfDictionary dictionary)
        {
            baseName = dictionary.Elements.GetName("/BaseEncoding");
            differences = dictionary.Elements.GetArray("/Differences");
        }
        var table = SimpleEncodings.Table(string.IsNullOrEmpty(baseName) ? null : baseName).Select(c => c == '\uFFFD' ? null : c.ToString()).ToArray<string?>();
        if (differences is null) return table;
        var code = 0;
        foreach (var element in differences.Elements)
        {
            switch (Resolve(element))
            {
                case PdfInteger integer:
                    code = integer.Value;
                    break;
                case PdfName glyph:
                    if (code is >= 0 and < 256) table[code] = GlyphNames.ToUnicode(glyph.Value);
                    code++;
                    break;
            }
        }
        return table;
    }

    private static double[] Numbers(PdfArray array) =>
        array.Elements.Select(e => Resolve(e) switch
        {
            PdfInteger i => i.Value,
            PdfReal r => r.Value,
            _ => DefaultWidth,
        }).ToArray();

    private static PdfItem? Resolve(PdfItem? item) => item is PdfReference reference ? reference.Value : item;
}
