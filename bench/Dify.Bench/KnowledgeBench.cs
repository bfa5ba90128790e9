using System.Diagnostics;
using System.Text;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Embedding;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Dify.Workflows.Knowledge;

namespace Dify.Bench;

/// <summary>
/// Knowledge figures: peak RSS while ingesting a large generated plain-text file (run first, before any search view
/// is loaded), ingest throughput with the embedded embedder, recall@5 on the labelled set, where ingest time goes
/// (<see cref="KnowledgeBreakdown"/>), the vector scan alone, and query latency (wall p50/p99 and CPU per query) at
/// 10k and 100k chunks. Goals: ≥ 20 MB/s, p99 &lt; 10 ms at 100k chunks, RSS &lt; 300 MiB.
/// Flags: --quick (40 MB instead of 200 MB, 384-d only), --ingest-only, --breakdown-only, --queries-only.
/// </summary>
internal static class KnowledgeBench
{
    public static async Task RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var root = Path.Combine(Path.GetTempPath(), $"dify-knowledge-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"knowledge bench ({(quick ? "quick" : "full")}), {Environment.ProcessorCount} cores, load average {LoadAverage()}");
            var bigMb = quick ? 40 : 200;
            // First, while nothing else has been allocated: the peak RSS is the process's high-water mark.
            var queriesOnly = args.Contains("--queries-only");
            if (!args.Contains("--breakdown-only") && !queriesOnly) await IngestLargeFileAsync(root, bigMb);
            if (args.Contains("--ingest-only")) return;
            if (!queriesOnly) await KnowledgeRecall.RunAsync(root);
            var sample = Path.Combine(root, "sample.txt");
            GenerateText(sample, (quick ? 8 : 20) * 1024L * 1024, seed: 3);
            if (!queriesOnly) await KnowledgeBreakdown.RunAsync(root, sample);
            File.Delete(sample);
            KnowledgeScan.Run(100_000, 384);
            if (args.Contains("--breakdown-only")) return;
            foreach (var dims in quick ? new[] { 384 } : [64, 384])
            {
                foreach (var chunks in queriesOnly ? [100_000] : new[] { 10_000, 100_000 })
                    await QueryLatencyAsync(root, chunks, dims, quick ? 200 : 1000);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task IngestLargeFileAsync(string root, int megabytes)
    {
        await WarmUpAsync(root);
        var file = Path.Combine(root, "large.txt");
        var bytes = GenerateText(file, megabytes * 1024L * 1024, seed: 1);
        await using var db = await KnowledgeDatabase.OpenAsync(Path.Combine(root, "large.db"), default);
        var (ingestor, _) = Create(db, 384);
        await ingestor.Datasets.SaveAsync(new DatasetRecord("large", "large"), default);
        var rssBefore = Memory("VmRSS");
        var clock = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        DocumentRecord document;
        await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            document = await ingestor.IngestAsync("large", "large.txt", "large.txt", stream, ProcessRule.Automatic, default);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine($"ingest {bytes / 1048576.0:F0} MB plain text (automatic rule, embedded 384-d): {document.Status.ToDify()}, "
                          + $"{document.TotalSegments} segments in {seconds:F1} s = {bytes / 1048576.0 / seconds:F1} MB/s "
                          + $"(parse+clean+split {document.SplittingCompletedAt - document.ProcessingStartedAt} s, embed+index {document.CompletedAt - document.SplittingCompletedAt} s; "
                          + $"{cpu:F1} CPU-s = {bytes / 1048576.0 / cpu:F1} MB per CPU-second)");
        var info = GC.GetGCMemoryInfo();
        Console.WriteLine($"GC heap at the end {info.HeapSizeBytes / 1048576.0:F0} MiB committed {info.TotalCommittedBytes / 1048576.0:F0} MiB promoted {info.PromotedBytes / 1048576.0:F0} MiB; gen2 count {GC.CollectionCount(2)}, live after full GC {GC.GetTotalMemory(true) / 1048576.0:F0} MiB");
        Console.WriteLine($"peak RSS (VmHWM) {Memory("VmHWM") / 1024.0:F0} MiB (RSS before ingesting {rssBefore / 1024.0:F0} MiB); "
                          + $"file {new FileInfo(db.Path).Length / 1048576.0:F0} MB");
        File.Delete(file);
    }

    /// <summary>
    /// A fresh process runs its first megabytes in unoptimised (tier-0) code; ingesting 4 MB first lets the large
    /// ingest measure the pipeline rather than the JIT. Prints the fresh-process figure too (what a one-off CLI run sees).
    /// </summary>
    private static async Task WarmUpAsync(string root)
    {
        var file = Path.Combine(root, "warmup.txt");
        var bytes = GenerateText(file, 4L * 1024 * 1024, seed: 2);
        await using (var db = await KnowledgeDatabase.OpenAsync(Path.Combine(root, "warmup.db"), default))
        {
            var (ingestor, _) = Create(db, 384);
            await ingestor.Datasets.SaveAsync(new DatasetRecord("warmup", "warmup"), default);
            var clock = Stopwatch.StartNew();
            await using var stream = File.OpenRead(file);
            await ingestor.IngestAsync("warmup", "warmup.txt", "warmup.txt", stream, ProcessRule.Automatic, default);
            Console.WriteLine($"first ingest in a fresh process (4 MB, JIT warming up): {bytes / 1048576.0 / clock.Elapsed.TotalSeconds:F1} MB/s");
        }
        File.Delete(file);
    }

    private static async Task QueryLatencyAsync(string root, int chunkTarget, int dims, int queries)
    {
        var file = Path.Combine(root, $"q{chunkTarget}-{dims}.txt");
        // About 330 characters per automatic chunk on this text.
        GenerateText(file, chunkTarget * 330L, seed: chunkTarget + dims);
        await using var db = await KnowledgeDatabase.OpenAsync(Path.Combine(root, $"q{chunkTarget}-{dims}.db"), default);
        var (ingestor, index) = Create(db, dims);
        await ingestor.Datasets.SaveAsync(new DatasetRecord("ds", "ds", Retrieval: new DatasetRetrievalSettings(SearchMethod.Hybrid, 4, null, RetrievalWeights.SemanticFirst)), default);
        var clock = Stopwatch.StartNew();
        DocumentRecord document;
        await using (var stream = File.OpenRead(file))
            document = await ingestor.IngestAsync("ds", "doc", "doc.txt", stream, ProcessRule.Automatic, default);
        var ingestSeconds = clock.Elapsed.TotalSeconds;
        var mb = new FileInfo(file).Length / 1048576.0;

        var random = new Random(7);
        var vocabulary = Vocabulary();
        string Query() => string.Join(' ', Enumerable.Range(0, random.Next(2, 6)).Select(_ => vocabulary[random.Next(vocabulary.Length / 20, vocabulary.Length)]));
        clock.Restart();
        await index.RetrieveAsync(new KnowledgeQuery(["ds"], Query(), 4), default); // loads the search view
        var load = clock.Elapsed.TotalMilliseconds;
        // Warm every path (tiered JIT promotes hot methods after a few dozen calls).
        foreach (var method in new[] { SearchMethod.Hybrid, SearchMethod.Semantic, SearchMethod.FullText })
            for (var i = 0; i < 60; i++) await index.RetrieveAsync(new KnowledgeQuery(["ds"], Query(), 4, method), default);

        var texts = Enumerable.Range(0, queries).Select(_ => Query()).ToList();
        async Task<string> MeasureAsync(SearchMethod method)
        {
            var times = new List<double>(queries);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var q in texts) times.Add(await TimeAsync(() => index.RetrieveAsync(new KnowledgeQuery(["ds"], q, 4, method), default)));
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / queries;
            return $"{Stats.Describe(times)}, {cpuMs:F2} CPU-ms/query";
        }
        var hybrid = await MeasureAsync(SearchMethod.Hybrid);
        var semantic = await MeasureAsync(SearchMethod.Semantic);
        var fullText = await MeasureAsync(SearchMethod.FullText);
        Console.WriteLine($"{document.TotalSegments,7} chunks {dims,3}-d (ingested {mb:F0} MB at {mb / ingestSeconds:F1} MB/s, view load {load:F0} ms):");
        Console.WriteLine($"    hybrid {hybrid}\n    semantic {semantic}\n    full-text {fullText}");
        File.Delete(file);
    }

    private static async Task<double> TimeAsync<T>(Func<Task<T>> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static (KnowledgeIngestor, SqliteKnowledgeIndex) Create(KnowledgeDatabase db, int dims)
    {
        var embedder = new EmbeddingRouter(new HashingEmbeddingModel(new HashingEmbeddingOptions { Dimensions = dims }));
        var index = new SqliteKnowledgeIndex(db, embedder);
        return (new KnowledgeIngestor(db, index, embedder), index);
    }

    /// <summary>Zipf-distributed words from a synthetic vocabulary, in sentences and paragraphs; returns the bytes written.</summary>
    private static long GenerateText(string path, long bytes, int seed)
    {
        var vocabulary = Vocabulary();
        var cumulative = new double[vocabulary.Length];
        double sum = 0;
        for (var i = 0; i < vocabulary.Length; i++) cumulative[i] = sum += 1.0 / (i + 1);
        var random = new Random(seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var sb = new StringBuilder();
        long written = 0;
        while (written < bytes)
        {
            sb.Clear();
            var sentences = random.Next(2, 7);
            for (var s = 0; s < sentences; s++)
            {
                var words = random.Next(8, 22);
                for (var w = 0; w < words; w++)
                {
                    var index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
                    var word = vocabulary[index < 0 ? Math.Min(~index, vocabulary.Length - 1) : index];
                    if (w == 0) sb.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
                    else sb.Append(' ').Append(word);
                }
                sb.Append(". ");
            }
            sb.Append("\n\n");
            writer.Write(sb);
            written += sb.Length;
        }
        return written;
    }

    private static string[] Vocabulary()
    {
        string[] syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "den", "ver", "qua", "zi", "mor", "fel", "gra", "tin", "ul", "bes", "cor", "wen"];
        var random = new Random(99);
        return Enumerable.Range(0, 20_000).Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => syllables[random.Next(syllables.Length)])))
            .Distinct().ToArray();
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    /// <summary>A /proc/self/status field in KiB (0 where not on Linux).</summary>
    private static long Memory(string field)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
