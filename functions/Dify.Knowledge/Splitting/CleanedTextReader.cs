using System.Runtime.CompilerServices;

namespace Dify.Knowledge.Splitting;

/// <summary>
/// Reads text in blocks of about <c>blockChars</c> characters and cleans each block. A block ends right after a newline
/// that is followed by a non-space character (or, in a line longer than a block, after a space followed by a non-space),
/// where no cleaning pattern can span the cut, so the result equals cleaning the whole text at once.
/// </summary>
public static class CleanedTextReader
{
    public const int DefaultBlockChars = 1 << 20;

    /// <param name="rules">Null = no cleaning at all (Dify's full-doc mode skips the cleaner).</param>
    public static async IAsyncEnumerable<string> ReadBlocksAsync(
        TextReader reader, CleaningRules? rules, int blockChars = DefaultBlockChars, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var buffer = new char[Math.Max(16, blockChars)];
        var length = 0;
        while (true)
        {
            var read = await reader.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (length > 0) yield return Clean(new string(buffer, 0, length), rules);
                yield break;
            }
            length += read;
            if (length < buffer.Length) continue;

            var cut = SafeCut(buffer.AsSpan(0, length));
            yield return Clean(new string(buffer, 0, cut), rules);
            buffer.AsSpan(cut, length - cut).CopyTo(buffer);
            length -= cut;
        }
    }

    private static string Clean(string text, CleaningRules? rules) => rules is null ? text : TextCleaner.Clean(text, rules);

    /// <summary>Where to end a full buffer: after "\n" before a non-space, else after " " before a non-space, else (no space at all) the end.</summary>
    internal static int SafeCut(ReadOnlySpan<char> text)
    {
        for (var i = text.Length - 1; i > 0; i--)
        {
            if (text[i - 1] == '\n' && !PyText.IsSpace(text[i])) return i;
        }
        for (var i = text.Length - 1; i > 0; i--)
        {
            if (text[i - 1] == ' ' && !PyText.IsSpace(text[i])) return i;
        }
        var end = text.Length;
        return char.IsHighSurrogate(text[end - 1]) ? end - 1 : end;
    }
}
