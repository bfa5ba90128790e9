using System.Text;

namespace Dify.Testing.Documents;

/// <summary>
/// A real PDF with a text layer, written byte by byte with its cross-reference table: one page per entry, its lines
/// in Helvetica (a standard font, so no font file and no process-wide PDFsharp state), one Tj per line.
/// </summary>
public static class TextPdf
{
    /// <param name="pages">Each page's lines (printable ASCII without parentheses or backslashes).</param>
    public static byte[] Build(params string[][] pages)
    {
        ArgumentNullException.ThrowIfNull(pages);
        var font = 3 + 2 * pages.Length;
        var objects = new List<(string Dictionary, string? Stream)>
        {
            ("<< /Type /Catalog /Pages 2 0 R >>", null),
            ($"<< /Type /Pages /Kids [{string.Join(' ', pages.Select((_, i) => $"{3 + 2 * i} 0 R"))}] /Count {pages.Length} >>", null),
        };
        foreach (var lines in pages)
        {
            var page = objects.Count + 1;
            objects.Add(($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font} 0 R >> >> /Contents {page + 1} 0 R >>", null));
            objects.Add(("", "BT /F1 12 Tf 72 720 Td 16 TL " + string.Concat(lines.Select((l, i) => (i == 0 ? "" : "T* ") + "(" + l + ") Tj ")) + "ET"));
        }
        objects.Add(("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", null));

        using var output = new MemoryStream();
        void Write(string text) => output.Write(Encoding.Latin1.GetBytes(text));
        Write("%PDF-1.4\n");
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(output.Position);
            var (dictionary, stream) = objects[i];
            Write(stream is null
                ? $"{i + 1} 0 obj\n{dictionary}\nendobj\n"
                : $"{i + 1} 0 obj\n<< /Length {Encoding.Latin1.GetByteCount(stream)} >>\nstream\n{stream}\nendstream\nendobj\n");
        }
        var xref = output.Position;
        Write($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) Write($"{offset:D10} 00000 n \n");
        Write($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }
}
