using System.Text;

namespace Dify.Knowledge.Tests.Index.Keywords;

/// <summary>
/// A seeded, generated Latin-script corpus: words drawn with a skewed (Zipf-like) frequency from a vocabulary that
/// mixes plain English, accented words in several languages, numbers and case variants, joined by spaces and
/// punctuation. Repeated words give term frequencies above one; a few chunks hold no word at all.
/// </summary>
internal sealed class KeywordCorpus
{
    private static readonly string[] Accented =
    [
        "café", "Café", "CAFÉ", "naïve", "résumé", "Ångström", "Straße", "øre", "Łódź", "São", "mañana", "Ærø", "Dvořák",
        "garçon", "Köln", "Zürich", "façade", "jalapeño", "Škoda", "Ŝablono", "ĳssel", "İstanbul", "ılık", "Ŀlama", "ŉ",
        "Ðéjà", "þorn", "œuvre", "Œuvre", "crème", "brûlée", "Ålesund", "Éire", "ÿes", "Ħal", "ĝis", "Ŧest", "ſtrong",
    ];

    private static readonly string[] Separators = [" ", " ", " ", " ", ", ", ". ", "; ", " - ", " (", ") ", "/", "\n", ": ", "'", "_", "! "];

    private readonly Random _random;

    public KeywordCorpus(int seed)
    {
        _random = new Random(seed);
        var words = new List<string>();
        for (var i = 0; i < 400; i++) words.Add(Syllables(i));
        words.AddRange(Accented);
        for (var i = 0; i < 30; i++) words.Add(_random.Next(0, 5000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Vocabulary = [.. words.OrderBy(_ => _random.Next())];
    }

    public IReadOnlyList<string> Vocabulary { get; }

    public string Chunk()
    {
        if (_random.Next(200) == 0) return _random.Next(2) == 0 ? "" : " -- ... !!";
        var words = _random.Next(3, 90);
        var text = new StringBuilder();
        for (var w = 0; w < words; w++)
        {
            if (w > 0) text.Append(Separators[_random.Next(Separators.Length)]);
            var word = Word();
            text.Append(_random.Next(10) switch
            {
                0 => word.ToUpperInvariant(),
                1 => char.ToUpperInvariant(word[0]) + word[1..],
                _ => word,
            });
        }
        return text.ToString();
    }

    /// <summary>A word, common ones far more often (rank ~ u³).</summary>
    public string Word()
    {
        var u = _random.NextDouble();
        return Vocabulary[(int)(u * u * u * Vocabulary.Count)];
    }

    /// <summary>1 to <paramref name="most"/> query terms: words of the vocabulary, now and then one no chunk holds.</summary>
    public List<string> Query(int most)
    {
        var terms = new List<string>();
        var count = _random.Next(1, most + 1);
        for (var i = 0; i < count; i++)
            terms.Add(_random.Next(12) == 0 ? "absentword" + i : Vocabulary[_random.Next(Vocabulary.Count)]);
        return terms;
    }

    public int Next(int max) => _random.Next(max);

    private string Syllables(int i)
    {
        string[] parts = ["ka", "lo", "mi", "ster", "an", "ve", "tri", "on", "ex", "pra", "du", "gen", "ti", "or", "bel", "us"];
        var word = new StringBuilder();
        var n = i;
        do
        {
            word.Append(parts[n % parts.Length]);
            n /= parts.Length;
        }
        while (n > 0);
        if (_random.Next(4) == 0) word.Append(parts[_random.Next(parts.Length)]);
        return word.ToString();
    }
}
