using System.Text.RegularExpressions;

namespace Dify.Knowledge.Splitting;

/// <summary>
/// Dify's recursive character splitter (lengths are characters, separators are kept at the end of the piece
/// before them). Three entry points mirror Dify's classes:
/// <see cref="SplitRecursive"/> = RecursiveCharacterTextSplitter._split_text (automatic mode),
/// <see cref="SplitFixed"/> = FixedRecursiveCharacterTextSplitter.split_text (custom and hierarchical), and
/// its fallback <see cref="SplitFixedRecursive"/>. Spaces are kept when a piece falls back to splitting on " "
/// (Dify main after langgenius/dify#39498; older releases glued the words together).
/// </summary>
internal sealed partial class RecursiveSplitter
{
    /// <summary>The fallback separators Dify passes to every splitter (no "\n": it is not in Dify's list).</summary>
    public static readonly string[] DefaultSeparators = ["\n\n", "。", ". ", " ", ""];

    private readonly string[] _separators;

    public RecursiveSplitter(int chunkSize, int chunkOverlap, string[]? separators = null)
    {
        if (chunkOverlap > chunkSize)
            throw new ArgumentException($"Got a larger chunk overlap ({chunkOverlap}) than chunk size ({chunkSize}), should be smaller.");
        ChunkSize = chunkSize;
        ChunkOverlap = chunkOverlap;
        _separators = separators ?? DefaultSeparators;
    }

    public int ChunkSize { get; }
    public int ChunkOverlap { get; }
    public IReadOnlyList<string> Separators => _separators;

    /// <summary>FixedRecursiveCharacterTextSplitter.split_text: split on the fixed separator, recursively split pieces longer than chunk_size.</summary>
    public void SplitFixed(string text, string fixedSeparator, List<string> output)
    {
        if (fixedSeparator.Length == 0)
        {
            SplitFixedPiece(text, output);
            return;
        }
        foreach (var piece in text.Split(fixedSeparator)) SplitFixedPiece(piece, output);
    }

    /// <summary>One piece between fixed separators: kept whole up to chunk_size, else split recursively.</summary>
    public void SplitFixedPiece(string piece, List<string> output)
    {
        if (PyText.Len(piece) > ChunkSize) SplitFixedRecursive(piece, output);
        else output.Add(piece);
    }

    /// <summary>FixedRecursiveCharacterTextSplitter.recursive_split_text: the first separator contained in the text wins.</summary>
    public void SplitFixedRecursive(string text, List<string> output)
    {
        var (separator, rest) = ChooseSeparator(text, _separators, regex: false);
        List<string> splits;
        if (separator.Length == 0) splits = PyText.CodePoints(text);
        else if (separator == " ") splits = KeepSpaces(SpaceRuns().Split(text));
        else splits = PyText.SplitKeepingSeparator(text, separator);
        splits.RemoveAll(s => s.Length == 0 || (separator != "\n" && s == "\n"));

        if (separator.Length == 0)
        {
            SplitCharacters(splits, output);
            return;
        }
        var merger = new ChunkMerger(ChunkSize, ChunkOverlap, "", output);
        foreach (var s in splits)
        {
            var length = PyText.Len(s);
            if (length < ChunkSize)
            {
                merger.Add(s, length);
                continue;
            }
            merger.Flush();
            if (rest.Length == 0) output.Add(s);
            else SplitRecursive(s, rest, output);
        }
        merger.Flush();
    }

    /// <summary>RecursiveCharacterTextSplitter._split_text: separators are detected as regular expressions (". " matches any character then a space).</summary>
    public void SplitRecursive(string text, ReadOnlySpan<string> separators, List<string> output)
    {
        var (separator, rest) = ChooseSeparator(text, separators, regex: true);
        var merger = new ChunkMerger(ChunkSize, ChunkOverlap, "", output);
        foreach (var s in SplitForRecursion(text, separator))
        {
            var length = PyText.Len(s);
            if (length < ChunkSize)
            {
                merger.Add(s, length);
                continue;
            }
            merger.Flush();
            if (rest.Length == 0) output.Add(s);
            else SplitRecursive(s, rest, output);
        }
        merger.Flush();
    }

    /// <summary>_split_text_with_regex with keep_separator: pieces end with the separator; "" and "\n" pieces are dropped.</summary>
    public static List<string> SplitForRecursion(string text, string separator)
    {
        var splits = separator.Length == 0 ? PyText.CodePoints(text) : PyText.SplitKeepingSeparator(text, separator);
        splits.RemoveAll(s => s.Length == 0 || s == "\n");
        return splits;
    }

    /// <summary>The first separator found in the text (or "" when the list reaches it) and the separators after it.</summary>
    public static (string Separator, string[] Remaining) ChooseSeparator(string text, ReadOnlySpan<string> separators, bool regex)
    {
        for (var i = 0; i < separators.Length; i++)
        {
            var s = separators[i];
            if (s.Length == 0) return ("", []);
            if (regex ? RegexFound(text, s) : text.Contains(s, StringComparison.Ordinal)) return (s, separators[(i + 1)..].ToArray());
        }
        return (separators.Length > 0 ? separators[^1] : "", []);
    }

    /// <summary>re.search(separator, text) for Dify's separators: only ". " differs from a literal search.</summary>
    private static bool RegexFound(string text, string separator)
    {
        if (separator != ". ") return text.Contains(separator, StringComparison.Ordinal);
        for (var i = text.IndexOf(' ', 1); i > 0; i = text.IndexOf(' ', i + 1))
        {
            if (text[i - 1] != '\n') return true;
        }
        return false;
    }

    /// <summary>The character-level fallback of recursive_split_text, with its own overlap rule.</summary>
    private void SplitCharacters(List<string> characters, List<string> output)
    {
        var current = new System.Text.StringBuilder();
        var currentLength = 0;
        var overlap = new System.Text.StringBuilder();
        var overlapLength = 0;
        foreach (var s in characters)
        {
            const int length = 1;
            if (currentLength + length <= ChunkSize - ChunkOverlap)
            {
                current.Append(s);
                currentLength += length;
            }
            else if (currentLength + length <= ChunkSize)
            {
                current.Append(s);
                currentLength += length;
                overlap.Append(s);
                overlapLength += length;
            }
            else
            {
                output.Add(current.ToString());
                current.Clear().Append(overlap).Append(s);
                currentLength = length + overlapLength;
                overlap.Clear();
                overlapLength = 0;
            }
        }
        if (current.Length > 0) output.Add(current.ToString());
    }

    private static List<string> KeepSpaces(string[] words)
    {
        var result = new List<string>(words.Length);
        for (var i = 0; i < words.Length; i++) result.Add(i < words.Length - 1 ? words[i] + " " : words[i]);
        return result;
    }

    [GeneratedRegex(" +")]
    private static partial Regex SpaceRuns();
}
