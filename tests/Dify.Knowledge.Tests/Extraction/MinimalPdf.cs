using System.Text;

namespace Dify.Knowledge.Tests.Extraction;

/// <summary>Writes a PDF from hand-written object bodies, with a correct cross-reference table (objects numbered from 1).</summary>
internal static class MinimalPdf
{
    /// <summary>
    /// <paramref name="objects"/>[0] is object 1 (the catalog). For a stream object, Dictionary holds the dictionary's
    /// entries without the brackets (the /Length is added) and Stream the data (each char one byte).
    /// </summary>
    public static byte[] Build(params (string Dictionary, string? Stream)[] objects)
    {
        using var output = new MemoryStream();
        void Write(string text) => output.Write(Encoding.Latin1.GetBytes(text));
        Write("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<long>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(output.Position);
            var (dictionary, stream) = objects[i];
            if (stream is null) Write($"{i + 1} 0 obj\n{dictionary}\nendobj\n");
            else
            {
                var bytes = Encoding.Latin1.GetBytes(stream);
                Write($"{i + 1} 0 obj\n<< {dictionary} /Length {bytes.Length} >>\nstream\n");
                output.Write(bytes);
                Write("\nendstream\nendobj\n");
            }
        }
        var xref = output.Position;
        Write($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) Write($"{offset:D10} 00000 n \n");
        Write($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }
}
