namespace Dify.Testing.OpenAiCompatible;

/// <summary>Usage numbers the fake server reports: whitespace-separated words, at least 1 for non-empty text.</summary>
public static class TokenEstimate
{
    public static int Count(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var white = char.IsWhiteSpace(c);
            if (!white && !inWord)
            {
                count++;
            }

            inWord = !white;
        }

        return Math.Max(count, 1);
    }

    public static int Prompt(RecordedChatRequest request) => request.Messages.Sum(m => Count(m.Text) + m.Images.Count);

    public static int Completion(ChatReply reply) =>
        Count(reply.Text) + Count(reply.Reasoning) + reply.ToolCalls.Sum(c => Count(c.ArgumentsJson) + 1);

    /// <summary>Splits text into streaming pieces: words with their leading whitespace, or fixed-size chunks.</summary>
    public static IEnumerable<string> Chunks(string text, int? chunkSize)
    {
        if (chunkSize is > 0)
        {
            for (var i = 0; i < text.Length; i += chunkSize.Value)
            {
                yield return text.Substring(i, Math.Min(chunkSize.Value, text.Length - i));
            }

            yield break;
        }

        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1])))
            {
                yield return text[start..i];
                start = i;
            }
        }
    }
}
