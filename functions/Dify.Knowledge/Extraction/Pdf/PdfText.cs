using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace Dify.Knowledge.Extraction.Pdf;

/// <summary>
/// PDF text extraction: PDFsharp 6 parses the file (objects, streams, filters, encryption with an empty password)
/// and our <see cref="PdfPageText"/> interprets each page's content stream. The file is parsed whole (it is bounded
/// by the converted-format limit), but text is produced a page at a time as the reader is consumed, so a long PDF is
/// never held as text at once. Pages are separated by a blank line.
/// </summary>
internal static class PdfText
{
    /// <summary>Opens <paramref name="bytes"/>; throws <see cref="UnsupportedDocumentException"/> for password-protected or unreadable files.</summary>
    public static TextReader Open(byte[] bytes, string name) => new PageReader(OpenDocument(bytes, name), name);

    /// <summary>
    /// Every page's text run together with nothing between pages, as Dify's document-extractor node gives a PDF
    /// ("".join of each page's text). Pages without text add nothing; a PDF without any text gives "".
    /// </summary>
    public static string Concatenated(byte[] bytes, string name)
    {
        using var document = OpenDocument(bytes, name);
        var fonts = new Dictionary<PdfDictionary, PdfFontDecoder>(ReferenceEqualityComparer.Instance);
        var text = new System.Text.StringBuilder();
        for (var page = 0; page < document.PageCount; page++)
            text.Append(PageText(document, page, fonts, name).Text);
        return text.ToString();
    }

    private static PdfDocument OpenDocument(byte[] bytes, string name)
    {
        var needsPassword = false;
        PdfDocument? document;
        try
        {
            document = PdfReader.Open(new MemoryStream(bytes, writable: false), PdfDocumentOpenMode.Import, args =>
            {
                needsPassword = true;
                args.Abort = true;
            });
        }
        catch (PdfSharp.License.PdfSharpLicenseException e)
        {
            throw new UnsupportedDocumentException($"Not supported: PDF '{name}' was not read: PDFsharp refused its license ({e.Message}).");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw needsPassword ? Encrypted(name) : new UnsupportedDocumentException($"Failed to read PDF '{name}': {e.Message}");
        }
        // An aborted password prompt may also come back as no document rather than an exception.
        if (needsPassword || document is null)
        {
            document?.Dispose();
            throw Encrypted(name);
        }
        return document;
    }

    private static (string Text, int Images) PageText(PdfDocument document, int page, Dictionary<PdfDictionary, PdfFontDecoder> fonts, string name)
    {
        try
        {
            return PdfPageText.Extract(document.Pages[page], fonts);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or UnsupportedDocumentException))
        {
            throw new UnsupportedDocumentException($"Failed to read page {page + 1} of PDF '{name}': {e.Message}");
        }
    }

    private static UnsupportedDocumentException Encrypted(string name) =>
        new($"Not supported: '{name}' is an encrypted PDF that needs a password; remove the password and upload it again.");

    /// <summary>A reader that extracts the next page whenever the text so far has been consumed.</summary>
    private sealed class PageReader(PdfDocument document, string name) : TextReader
    {
        private readonly Dictionary<PdfDictionary, PdfFontDecoder> _fonts = new(ReferenceEqualityComparer.Instance);
        private string _current = "";
        private int _offset;
        private int _page;
        private int _textPages;
        private int _imagePages;

        public override int Peek() => Fill() ? _current[_offset] : -1;

        public override int Read() => Fill() ? _current[_offset++] : -1;

        public override int Read(Span<char> buffer)
        {
            if (buffer.IsEmpty || !Fill()) return 0;
            var count = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsSpan(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override Task<int> ReadAsync(char[] buffer, int index, int count) => Task.FromResult(Read(buffer.AsSpan(index, count)));

        /// <summary>True when unread text is available, extracting pages until some is.</summary>
        private bool Fill()
        {
            while (_offset >= _current.Length)
            {
                if (_page >= document.PageCount)
                {
                    if (_textPages == 0) throw NoText();
                    return false;
                }
                var (text, images) = PageText(document, _page, _fonts, name);
                _page++;
                if (text.Length == 0)
                {
                    if (images > 0) _imagePages++;
                    continue;
                }
                _current = _textPages++ == 0 ? text : "\n\n" + text;
                _offset = 0;
            }
            return true;
        }

        private UnsupportedDocumentException NoText() => _imagePages > 0
            ? new($"Not supported: PDF '{name}' has no text layer ({_imagePages} of {document.PageCount} pages are images only; OCR is not available).")
            : new($"PDF '{name}' contains no extractable text ({document.PageCount} pages).");

        protected override void Dispose(bool disposing)
        {
            if (disposing) document.Dispose();
            base.Dispose(disposing);
        }
    }
}
