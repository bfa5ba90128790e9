using System.Runtime.CompilerServices;

namespace Dify.Knowledge.Splitting;

/// <summary>str.split(separator) over a stream of text blocks: yields each piece as soon as its end is seen.</summary>
internal static class SeparatorSections
{
    /// <param name="keepSeparator">Append the separator to every piece but the last (Dify's keep_separator).</param>
    /// <param name="maxPieceChars">A piece longer than this (no separator for that long) is cut, to bound memory.</param>
    public static async IAsyncEnumerable<string> SplitAsync(
        IAsyncEnumerable<string> blocks, string separator, bool keepSeparator, int maxPieceChars,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pending = "";
        await foreach (var block in blocks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var text = pending.Length == 0 ? block : string.Concat(pending, block);
            var start = 0;
            if (separator.Length > 0)
            {
                for (var found = text.IndexOf(separator, StringComparison.Ordinal); found >= 0; found = text.IndexOf(separator, start, StringComparison.Ordinal))
                {
                    yield return keepSeparator ? text[start..(found + separator.Length)] : text[start..found];
                    start = found + separator.Length;
                }
            }
            pending = text[start..];
            while (pending.Length > maxPieceChars)
            {
                var cut = CleanedTextReader.SafeCut(pending.AsSpan(0, maxPieceChars));
                yield return pending[..cut];
                pending = pending[cut..];
            }
        }
        yield return pending;
    }
}
