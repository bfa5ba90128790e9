using System.Diagnostics;
using System.Text;
using Dify.Knowledge.Index.Keywords;

namespace Dify.Bench;

/// <summary>
/// `keywords`: the in-memory BM25 keyword index on ~330-character English-like chunks (Zipf word frequencies, the
/// common English words at the top): tokenizer MB/s on one thread, bulk load chunks/s, managed memory per chunk
/// (text not kept) and search latency for 3-6 term queries.
/// </summary>
internal static class KeywordBench
{
    private static readonly string[] Common =
    [
        "the", "of", "and", "to", "a", "in", "is", "it", "that", "for", "on", "was", "with", "as", "be", "by", "this",
        "are", "from", "at", "or", "an", "which", "not", "can", "has", "have", "its", "more", "also", "when", "their",
    ];

    public static Task RunAsync(string[] args)
    {
        var chunks = args.Contains("--quick") ? 20_000 : 100_000;
        var text = new ChunkText(seed: 5);
        Console.WriteLine($"keywords: {Environment.ProcessorCount} cores, load average {LoadAverage()}, {chunks} chunks");

        Tokenizer(text);
        var corpus = Enumerable.Range(0, chunks).Select(_ => text.Chunk()).ToArray();
        Console.WriteLine($"  chunk length: {corpus.Average(c => c.Length):F0} chars average");

        Breakdown(corpus);
        using (var index = new KeywordIndex())
        {
            var watch = Stopwatch.StartNew();
            var cpu = ThreadCpu.Now();
            index.AddRange(corpus.Select((c, i) => ((long)i + 1, c)));
            var cpuSeconds = (ThreadCpu.Now() - cpu).TotalSeconds;
            watch.Stop();
            var megabytes = corpus.Sum(c => (long)c.Length) / 1e6;
            Console.WriteLine($"  bulk load: {chunks / cpuSeconds:F0} chunks per CPU-second ({megabytes / cpuSeconds:F0} MB/CPU-s; wall {watch.Elapsed.TotalMilliseconds:F0} ms), {index.TermCount} terms");
            cpu = ThreadCpu.Now();
            for (var i = 0; i < 5000; i++) index.Add(chunks + i + 1L, corpus[i]);
            Console.WriteLine($"  single adds: {5000 / (ThreadCpu.Now() - cpu).TotalSeconds:F0} chunks per CPU-second");
            Queries(index, text, chunks);
        }
        Memory(corpus);
        return Task.CompletedTask;
    }

    private static void Tokenizer(ChunkText text)
    {
        var sb = new StringBuilder();
        while (sb.Length < 8 << 20) sb.Append(text.Chunk()).Append("\n\n");
        var sample = sb.ToString();
        var counter = new Counter();
        KeywordTokenizer.Tokenize(sample, ref counter); // warm up
        var watch = Stopwatch.StartNew();
        var cpu = ThreadCpu.Now();
        var rounds = 0;
        var tokens = 0L;
        while (watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            tokens += KeywordTokenizer.Tokenize(sample, ref counter);
            rounds++;
        }
        var cpuSeconds = (ThreadCpu.Now() - cpu).TotalSeconds;
        var megabytes = (double)sample.Length * rounds / 1e6; // ASCII text: one UTF-8 byte per char
        Console.WriteLine($"  tokenizer: {megabytes / cpuSeconds:F0} MB/s per CPU-second on one thread ({megabytes / watch.Elapsed.TotalSeconds:F0} MB/s wall), {tokens / cpuSeconds / 1e6:F1} M tokens/CPU-s");
    }

    /// <summary>Where a load's time goes: tokenizing alone, then tokenizing plus term-dictionary look-ups.</summary>
    private static void Breakdown(string[] corpus)
    {
        var counter = new Counter();
        var cpu = ThreadCpu.Now();
        foreach (var chunk in corpus) KeywordTokenizer.Tokenize(chunk, ref counter);
        var tokenize = (ThreadCpu.Now() - cpu).TotalSeconds;
        var terms = new KeywordTerms();
        var lookup = new LookupSink(terms);
        foreach (var chunk in corpus) KeywordTokenizer.Tokenize(chunk, ref lookup); // first pass fills the dictionary
        cpu = ThreadCpu.Now();
        foreach (var chunk in corpus) KeywordTokenizer.Tokenize(chunk, ref lookup);
        var looked = (ThreadCpu.Now() - cpu).TotalSeconds;
        Console.WriteLine($"  load breakdown per chunk: tokenize {tokenize / corpus.Length * 1e6:F2} us, tokenize + term look-ups {looked / corpus.Length * 1e6:F2} us");
    }

    private static void Queries(KeywordIndex index, ChunkText text, int chunks)
    {
        var random = new Random(9);
        var queries = Enumerable.Range(0, 2000).Select(_ => Enumerable.Range(0, random.Next(3, 7)).Select(_ => text.QueryWord(random)).ToList()).ToList();
        foreach (var q in queries.Take(200)) index.Search(q, _ => true, 10); // warm up
        var wall = new List<double>();
        var all = new List<double>();
        var filtered = new List<double>();
        var matched = 0L;
        foreach (var q in queries)
        {
            var watch = Stopwatch.StartNew();
            var cpu = ThreadCpu.Now();
            matched += index.Search(q, _ => true, 10).Count;
            all.Add((ThreadCpu.Now() - cpu).TotalMilliseconds);
            wall.Add(watch.Elapsed.TotalMilliseconds);
            cpu = ThreadCpu.Now();
            index.Search(q, id => id % 10 == 0, 10);
            filtered.Add((ThreadCpu.Now() - cpu).TotalMilliseconds);
        }
        Console.WriteLine($"  search top 10 of {chunks}, CPU time: {Stats.Describe(all)}, {matched / (double)queries.Count:F1} hits/query");
        Console.WriteLine($"  search top 10 of {chunks}, wall time: {Stats.Describe(wall)}");
        Console.WriteLine($"  search top 10, 1 in 10 allowed, CPU time: {Stats.Describe(filtered)}");
    }

    private static void Memory(string[] corpus)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var index = new KeywordIndex();
        index.AddRange(corpus.Select((c, i) => ((long)i + 1, c)));
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"  memory: {(after - before) / (double)corpus.Length:F0} bytes/chunk managed ({(after - before) / 1e6:F1} MB for {index.Count} chunks; text not kept)");
        GC.KeepAlive(index);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private struct Counter : IKeywordSink
    {
        public void Token(scoped ReadOnlySpan<char> token)
        {
        }
    }

    private readonly struct LookupSink(KeywordTerms terms) : IKeywordSink
    {
        public void Token(scoped ReadOnlySpan<char> token) => terms.GetOrAdd(token);
    }

    /// <summary>English-like text: Zipf-distributed words (common English words first, then 20k syllable words).</summary>
    private sealed class ChunkText
    {
        private readonly string[] _vocabulary;
        private readonly double[] _cumulative;
        private readonly Random _random;

        public ChunkText(int seed)
        {
            string[] syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "den", "ver", "qua", "zi", "mor", "fel", "gra", "tin", "ul", "bes", "cor", "wen"];
            var random = new Random(99);
            _vocabulary = [.. Common, .. Enumerable.Range(0, 40_000)
                .Select(_ => string.Concat(Enumerable.Range(0, random.Next(2, 5)).Select(_ => syllables[random.Next(syllables.Length)])))
                .Distinct().Take(20_000)];
            _cumulative = new double[_vocabulary.Length];
            double sum = 0;
            for (var i = 0; i < _vocabulary.Length; i++) _cumulative[i] = sum += 1.0 / (i + 1);
            _random = new Random(seed);
        }

        public string Chunk()
        {
            var sb = new StringBuilder(360);
            while (sb.Length < 300)
            {
                var words = _random.Next(8, 18);
                for (var w = 0; w < words; w++)
                {
                    var word = Word(_random);
                    if (w == 0) sb.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
                    else sb.Append(' ').Append(word);
                }
                sb.Append(_random.Next(4) == 0 ? ", " : ". ");
            }
            return sb.ToString();
        }

        /// <summary>A content word as users type them: Zipf-drawn, common English words skipped (the caller drops those).</summary>
        public string QueryWord(Random random)
        {
            while (true)
            {
                var word = Word(random);
                if (!Common.Contains(word)) return word;
            }
        }

        private string Word(Random random)
        {
            var index = Array.BinarySearch(_cumulative, random.NextDouble() * _cumulative[^1]);
            return _vocabulary[index < 0 ? Math.Min(~index, _vocabulary.Length - 1) : index];
        }
    }
}
