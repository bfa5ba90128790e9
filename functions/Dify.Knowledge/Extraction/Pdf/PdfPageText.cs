using System.Text;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;

namespace Dify.Knowledge.Extraction.Pdf;

/// <summary>
/// The text of one page from its content stream (PDF 32000 §9.4): text-showing operators (Tj, TJ, ', ") decoded by
/// the current font, in stream order. Where the next string starts, in device space (text matrix × CTM), decides the
/// separator: a new line when the baseline moves by more than half the font size, a space when it starts right of
/// where the previous string ended, or when a TJ adjustment moves right by more than a quarter em. Form XObjects are
/// followed (their text counts); images are counted so a page of scans can be reported.
/// </summary>
internal sealed class PdfPageText
{
    private const int MaxFormDepth = 8;

    private readonly StringBuilder _text = new();
    private readonly Dictionary<PdfDictionary, PdfFontDecoder> _decoders;
    private Matrix _ctm = Matrix.Identity;
    private readonly Stack<Matrix> _saved = new();
    private Matrix _tm = Matrix.Identity, _tlm = Matrix.Identity;
    private PdfFontDecoder _font = PdfFontDecoder.Fallback;
    private double _size = 12, _leading, _horizontalScale = 1;
    private double? _lastY;
    private double _lastEndX;

    private PdfPageText(Dictionary<PdfDictionary, PdfFontDecoder> decoders) => _decoders = decoders;

    /// <summary>Images drawn on the page (a page with images and no text is probably scanned).</summary>
    public int Images { get; private set; }

    /// <summary>Extracts a page's text; <paramref name="decoders"/> caches fonts across the document's pages.</summary>
    public static (string Text, int Images) Extract(PdfPage page, Dictionary<PdfDictionary, PdfFontDecoder> decoders)
    {
        var walker = new PdfPageText(decoders);
        walker.Run(ContentReader.ReadContent(page), page.Elements.GetDictionary("/Resources"), 0);
        return (walker._text.ToString().Trim(), walker.Images);
    }

    private void Run(CSequence content, PdfDictionary? resources, int depth)
    {
        foreach (var item in content)
        {
            if (item is not COperator op) continue;
            var o = op.Operands;
            switch (op.OpCode.OpCodeName)
            {
                case OpCodeName.q: _saved.Push(_ctm); break;
                case OpCodeName.Q: if (_saved.Count > 0) _ctm = _saved.Pop(); break;
                case OpCodeName.cm when o.Count >= 6: _ctm = Matrix.Of(o) * _ctm; break;
                case OpCodeName.BT: _tm = _tlm = Matrix.Identity; break;
                case OpCodeName.Tf when o.Count >= 2:
                    _font = Font(resources, (o[0] as CName)?.Name);
                    _size = Number(o[1]);
                    break;
                case OpCodeName.TL when o.Count >= 1: _leading = Number(o[0]); break;
                case OpCodeName.Tz when o.Count >= 1: _horizontalScale = Number(o[0]) / 100; break;
                case OpCodeName.Td when o.Count >= 2: MoveLine(Number(o[0]), Number(o[1])); break;
                case OpCodeName.TD when o.Count >= 2:
                    _leading = -Number(o[1]);
                    MoveLine(Number(o[0]), Number(o[1]));
                    break;
                case OpCodeName.Tm when o.Count >= 6: _tm = _tlm = Matrix.Of(o); break;
                case OpCodeName.Tx: MoveLine(0, -_leading); break;
                case OpCodeName.Tj when o.Count >= 1: Show(o[0]); break;
                case OpCodeName.QuoteSingle when o.Count >= 1:
                    MoveLine(0, -_leading);
                    Show(o[0]);
                    break;
                case OpCodeName.QuoteDouble when o.Count >= 3:
                    MoveLine(0, -_leading);
                    Show(o[2]);
                    break;
                case OpCodeName.TJ when o.Count >= 1 && o[0] is CArray array:
                    foreach (var element in array)
                    {
                        if (element is CString) Show(element);
                        else if (element is CNumber)
                        {
                            var shift = -Number(element) / 1000 * _size * _horizontalScale;
                            _tm = Matrix.Translation(shift, 0) * _tm;
                            if (shift > _size * 0.25) Separate(' ');
                        }
                    }
                    break;
                case OpCodeName.Do when o.Count >= 1 && o[0] is CName name:
                    XObject(resources, name.Name, depth);
                    break;
            }
        }
    }

    private void MoveLine(double tx, double ty) => _tm = _tlm = Matrix.Translation(tx, ty) * _tlm;

    private void Show(CObject operand)
    {
        if (operand is not CString s) return;
        var device = _tm * _ctm;
        var (x, y) = device.Origin;
        var size = _size * device.VerticalScale;
        if (_lastY is { } lastY)
        {
            if (Math.Abs(y - lastY) > Math.Max(size, 1) * 0.5) Separate('\n');
            else if (x > _lastEndX + Math.Max(size, 1) * 0.15) Separate(' ');
        }
        var advance = _font.Decode(Bytes(s), _text) / 1000 * _size * _horizontalScale;
        _tm = Matrix.Translation(advance, 0) * _tm;
        _lastEndX = (_tm * _ctm).Origin.X;
        _lastY = y;
    }

    private void Separate(char separator)
    {
        if (_text.Length == 0) return;
        var last = _text[^1];
        if (last == '\n' || (separator == ' ' && char.IsWhiteSpace(last))) return;
        if (separator == '\n' && last == ' ') _text.Length--;
        _text.Append(separator);
    }

    private PdfFontDecoder Font(PdfDictionary? resources, string? name)
    {
        if (name is null || resources?.Elements.GetDictionary("/Font")?.Elements.GetDictionary(name) is not { } font) return PdfFontDecoder.Fallback;
        if (!_decoders.TryGetValue(font, out var decoder)) _decoders[font] = decoder = PdfFontDecoder.From(font);
        return decoder;
    }

    private void XObject(PdfDictionary? resources, string name, int depth)
    {
        if (resources?.Elements.GetDictionary("/XObject")?.Elements.GetDictionary(name) is not { } xobject) return;
        var subtype = xobject.Elements.GetName("/Subtype");
        if (subtype == "/Image")
        {
            Images++;
            return;
        }
        if (subtype != "/Form" || depth >= MaxFormDepth || xobject.Stream is null) return;
        _saved.Push(_ctm);
        if (xobject.Elements.GetArray("/Matrix") is { Elements.Count: 6 } m)
            _ctm = new Matrix(m.Elements.GetReal(0), m.Elements.GetReal(1), m.Elements.GetReal(2), m.Elements.GetReal(3), m.Elements.GetReal(4), m.Elements.GetReal(5)) * _ctm;
        var (tm, tlm, font, size) = (_tm, _tlm, _font, _size);
        Run(ContentReader.ReadContent(xobject.Stream.UnfilteredValue), xobject.Elements.GetDictionary("/Resources") ?? resources, depth + 1);
        (_tm, _tlm, _font, _size) = (tm, tlm, font, size);
        _ctm = _saved.Pop();
    }

    /// <summary>The string's bytes. PDFsharp keeps one byte per char, except strings it decoded as UTF-16 (two bytes back).</summary>
    private static byte[] Bytes(CString s)
    {
        var value = s.Value;
        if (s.CStringType is CStringType.UnicodeString or CStringType.UnicodeHexString)
            return Encoding.BigEndianUnicode.GetBytes(value);
        var bytes = new byte[value.Length];
        for (var i = 0; i < value.Length; i++) bytes[i] = (byte)value[i];
        return bytes;
    }

    private static double Number(CObject o) => o switch
    {
        CInteger i => i.Value,
        CReal r => r.Value,
        _ => 0,
    };

    /// <summary>A PDF transformation matrix [a b c d e f] (row vectors: p' = p × M).</summary>
    private readonly record struct Matrix(double A, double B, double C, double D, double E, double F)
    {
        public static Matrix Identity => new(1, 0, 0, 1, 0, 0);

        public static Matrix Translation(double x, double y) => new(1, 0, 0, 1, x, y);

        public static Matrix Of(CSequence o) => new(Number(o[0]), Number(o[1]), Number(o[2]), Number(o[3]), Number(o[4]), Number(o[5]));

        public (double X, double Y) Origin => (E, F);

        public double VerticalScale => Math.Sqrt(C * C + D * D);

        public static Matrix operator *(Matrix m, Matrix n) => new(
            m.A * n.A + m.B * n.C, m.A * n.B + m.B * n.D,
            m.C * n.A + m.D * n.C, m.C * n.B + m.D * n.D,
            m.E * n.A + m.F * n.C + n.E, m.E * n.B + m.F * n.D + n.F);
    }
}
