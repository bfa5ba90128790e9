using System.Diagnostics;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Embedding;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;

namespace Dify.Bench;

/// <summary>
/// Where ingest time goes: each stage of the pipeline timed on its own over the same plain text (read + clean,
/// split, content hashing, the embedded embedder, the writes the ingestor makes: chunk rows, the vector file, marking
/// chunks indexed; and building the in-memory keyword index, which happens when a dataset's search view loads). Figures are MB of source text per second of wall time for that stage alone.
/// </summary>
internal static class KnowledgeBreakdown
{
    public static async Task RunAsync(string root, string textFile)
    {
        var megabytes = new FileInfo(textFile).Length / 1048576.0;
        var chunker = new DocumentChunker(ProcessRule.Automatic);
        var stages = new List<(string Name, Timing Time)>();
        var chunks = new List<string>();
        var embedder = new HashingEmbeddingModel();
        var vector = new float[embedder.Dimensions];
        List<byte[]> hashes = [];
        List<float[]> vectors = [];
        // Twice: the first pass warms the JIT (tiered compilation), the second is reported.
        for (var pass = 0; pass < 2; pass++)
        {
            stages.Clear();
            chunks.Clear();
            stages.Add(("read + clean", await Timing.MeasureAsync(async () =>
            {
                using var reader = new StreamReader(textFile);
                await foreach (var _ in CleanedTextReader.ReadBlocksAsync(reader, chunker.Cleaning)) { }
            })));
            var cleanAndSplit = await Timing.MeasureAsync(async () =>
            {
                using var reader = new StreamReader(textFile);
                await foreach (var draft in chunker.SplitAsync(CleanedTextReader.ReadBlocksAsync(reader, chunker.Cleaning))) chunks.Add(draft.Content);
            });
            stages.Add(("split (automatic rule)", cleanAndSplit - stages[0].Time));
            stages.Add(("SHA-256 per chunk", await Timing.MeasureAsync(() => { hashes = chunks.Select(ChunkRows.Hash).ToList(); return Task.CompletedTask; })));
            stages.Add(("embed, one thread", await Timing.MeasureAsync(() =>
            {
                foreach (var chunk in chunks) embedder.Embed(chunk, vector);
                return Task.CompletedTask;
            })));
            stages.Add(("embed, batches of 1024", await Timing.MeasureAsync(async () =>
            {
                vectors = new List<float[]>(chunks.Count);
                for (var i = 0; i < chunks.Count; i += 1024)
                    vectors.AddRange((await embedder.EmbedAsync("embedded", "hashing-384", chunks.GetRange(i, Math.Min(1024, chunks.Count - i)), default)).Vectors);
            })));
        }
        var sql = new List<(string, Timing)>();
        for (var pass = 0; pass < 2; pass++) sql = await SqliteStagesAsync(Path.Combine(root, $"breakdown{pass}.db"), chunks, hashes, vectors);
        stages.AddRange(sql);

        Console.WriteLine($"ingest breakdown over {megabytes:F0} MB, {chunks.Count} chunks (each stage alone; MB of text per wall second and per CPU second):");
        foreach (var (name, time) in stages)
            Console.WriteLine($"  {name,-24} {time.Wall,6:F2} s wall {megabytes / time.Wall,7:F1} MB/s   {time.Cpu,6:F2} CPU-s {megabytes / time.Cpu,7:F1} MB/CPU-s");
    }

    private readonly record struct Timing(double Wall, double Cpu)
    {
        public static Timing operator -(Timing a, Timing b) => new(a.Wall - b.Wall, a.Cpu - b.Cpu);

        public static async Task<Timing> MeasureAsync(Func<Task> action)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await action();
            return new Timing(clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
    }

    /// <summary>The ingestor's SQL, stage by stage, each in transactions of 1024 chunks, on a fresh knowledge file.</summary>
    private static async Task<List<(string, Timing)>> SqliteStagesAsync(string path, List<string> chunks, List<byte[]> hashes, List<float[]> vectors)
    {
        var result = new List<(string, Timing)>();
        await using var db = await KnowledgeDatabase.OpenAsync(path, default);
        await new DatasetStore(db).SaveAsync(new DatasetRecord("b", "b"), default);
        const int batch = 1024;
        result.Add(("SQLite chunk rows", await Timing.MeasureAsync(async () =>
        {
            await using var lease = await db.WriteAsync(default);
            for (var start = 0; start < chunks.Count; start += batch)
            {
                await lease.Connection.InTransactionAsync(async () =>
                {
                    await using var writer = await ChunkRows.Writer.OpenAsync(lease.Connection, "b", "doc", default);
                    for (var i = start; i < Math.Min(chunks.Count, start + batch); i++) await writer.AddAsync(new ChunkDraft(i + 1, chunks[i], []), default);
                }, default);
            }
        })));

        var pending = new List<PendingChunk>();
        result.Add(("SQLite read back", await Timing.MeasureAsync(async () =>
        {
            await using var read = await db.ReadAsync(default);
            long after = 0;
            while (true)
            {
                var page = await ChunkRows.PendingAsync(read.Connection, "b", "doc", after, batch, default);
                if (page.Count == 0) break;
                pending.AddRange(page);
                after = page[^1].Id;
            }
        })));

        var ordinals = new long[pending.Count];
        result.Add(("vector file append", await Timing.MeasureAsync(async () =>
        {
            await using var lease = await db.WriteAsync(default);
            var set = await db.Vectors.GetAsync(lease.Connection, "embedded/hashing-384", vectors[0].Length, default);
            for (var start = 0; start < pending.Count; start += batch)
            {
                var slice = pending.GetRange(start, Math.Min(batch, pending.Count - start));
                var appended = set.Append(slice.Select((p, i) => (p.Hash, vectors[start + i])).ToList());
                appended.CopyTo(ordinals, start);
                await lease.Connection.InTransactionAsync(() => set.StageCommitAsync(lease.Connection, default), default);
                set.Committed();
            }
        })));

        result.Add(("SQLite mark indexed", await Timing.MeasureAsync(async () =>
        {
            await using var lease = await db.WriteAsync(default);
            for (var start = 0; start < pending.Count; start += batch)
            {
                var from = start;
                var slice = pending.GetRange(start, Math.Min(batch, pending.Count - start));
                await lease.Connection.InTransactionAsync(() => ChunkRows.MarkIndexedAsync(lease.Connection, slice.Select((p, i) => (p.Id, (long?)ordinals[from + i])), default), default);
            }
        })));

        result.Add(("keyword index (memory)", await Timing.MeasureAsync(() =>
        {
            using var keywords = new Dify.Knowledge.Index.Keywords.KeywordIndex();
            keywords.AddRange(pending.Select(p => (p.Id, p.Content)));
            return Task.CompletedTask;
        })));
        return result;
    }
}
