using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using Dify.Knowledge.Storage;
using Dify.Knowledge.Storage.Vectors;
using Dify.Testing;

namespace Dify.Bench;

/// <summary>
/// The append-only vector files (Dify.Knowledge/Storage/Vectors): append with the commit protocol (fsync per
/// transaction), the dedupe index build and lookups, random and bulk reads, and a memory-mapped read for comparison.
/// </summary>
internal static class VectorFileBench
{
    public static async Task RunAsync(string[] args)
    {
        var count = Option(args, "--count", 100_000);
        var dims = Option(args, "--dims", 384);
        var batchSize = Option(args, "--batch", 1024);
        using var folder = new TempDirectory("dify-vecbench");
        var random = new Random(7);
        var items = new (byte[] Hash, float[] Vector)[count];
        for (var i = 0; i < count; i++)
        {
            var vector = new float[dims];
            for (var d = 0; d < dims; d++) vector[d] = (float)(random.NextDouble() * 2 - 1);
            items[i] = (SHA256.HashData(BitConverter.GetBytes(i)), vector);
        }
        var recordBytes = 32 + 2 * dims;
        Console.WriteLine($"vector file bench: {count} × {dims}-d float16 ({recordBytes}-byte records), batches of {batchSize}, {Environment.ProcessorCount} cores");

        string path;
        await using (var db = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None))
        {
            var store = db.Vectors;
            await using var lease = await db.WriteAsync(CancellationToken.None);
            var connection = lease.Connection;
            var set = await store.GetAsync(connection, "bench/model", dims, CancellationToken.None);
            path = set.Path;
            double appendMs = 0, stageMs = 0;
            var fsync = new List<double>();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            for (var first = 0; first < count; first += batchSize)
            {
                var batch = new ArraySegment<(byte[], float[])>(items, first, Math.Min(batchSize, count - first));
                await connection.InTransactionAsync(async () =>
                {
                    var t = Stopwatch.GetTimestamp();
                    set.Append(batch);
                    appendMs += Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    t = Stopwatch.GetTimestamp();
                    await set.StageCommitAsync(connection, CancellationToken.None);
                    var staged = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    stageMs += staged;
                    fsync.Add(staged);
                }, CancellationToken.None);
                set.Committed();
            }
            wall.Stop();
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            var mb = count * (double)recordBytes / 1e6;
            var batches = fsync.Count;
            Console.WriteLine($"append + commit: {wall.Elapsed.TotalMilliseconds:F0} ms wall, {mb / wall.Elapsed.TotalSeconds:F0} MB/s of records, {count / wall.Elapsed.TotalSeconds:F0} vectors/s, {cpuMs / batches:F2} CPU-ms per batch");
            Console.WriteLine($"  per batch: append (float16 + pwrite) {appendMs / batches:F2} ms, stage (fsync + UPDATE) {Stats.Describe(fsync)}, SQLite COMMIT+rest {(wall.Elapsed.TotalMilliseconds - appendMs - stageMs) / batches:F2} ms");
        }

        await using (var db = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None))
        {
            var store = db.Vectors;
            await using var lease = await db.WriteAsync(CancellationToken.None);
            var set = await store.GetAsync(lease.Connection, "bench/model", dims, CancellationToken.None);
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var t = Stopwatch.GetTimestamp();
            set.TryFind(items[0].Hash, out _);
            var buildMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            Console.WriteLine($"dedupe index build (cold process, warm page cache): {buildMs:F1} ms for {count}; {set.IndexBytes / (double)count:F1} bytes/vector held ({allocated / (double)count:F1} allocated incl. growth)");

            t = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++) set.TryFind(items[i].Hash, out _);
            var hitUs = Stopwatch.GetElapsedTime(t).TotalMicroseconds / count;
            var miss = SHA256.HashData([1, 2, 3]);
            t = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                miss[0] = (byte)i;
                miss[1] = (byte)(i >> 8);
                miss[2] = (byte)(i >> 16);
                set.TryFind(miss, out _);
            }
            Console.WriteLine($"TryFind: hit (verified by a 32-byte pread) {hitUs:F2} µs, miss {Stopwatch.GetElapsedTime(t).TotalMicroseconds / count:F3} µs");

            var ordinals = Enumerable.Range(0, count).Select(_ => random.NextInt64(count)).ToArray();
            var row = new float[dims];
            t = Stopwatch.GetTimestamp();
            foreach (var ordinal in ordinals) set.Read(ordinal, row);
            Console.WriteLine($"random Read (pread + float16→float32): {Stopwatch.GetElapsedTime(t).TotalMicroseconds / count:F2} µs/vector");

            using (var mapped = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read))
            using (var view = mapped.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read))
            {
                var halves = new Half[dims];
                var buffer = view.SafeMemoryMappedViewHandle;
                t = Stopwatch.GetTimestamp();
                foreach (var ordinal in ordinals)
                {
                    buffer.ReadSpan((ulong)(64 + ordinal * recordBytes + 32), halves.AsSpan());
                    TensorPrimitives.ConvertToSingle(halves, row);
                }
                Console.WriteLine($"random read, memory-mapped view (for comparison): {Stopwatch.GetElapsedTime(t).TotalMicroseconds / count:F2} µs/vector");
            }

            var all = Enumerable.Range(0, count).Select(i => (long)i).ToArray();
            var bulk = new float[(long)count * dims <= int.MaxValue ? count * dims : 0];
            if (bulk.Length > 0)
            {
                t = Stopwatch.GetTimestamp();
                set.ReadMany(all, bulk);
                var seconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
                Console.WriteLine($"ReadMany all {count} (sequential, float32 out): {count * (double)recordBytes / 1e6 / seconds:F0} MB/s of records");
            }
            var subset = ordinals.Take(Math.Min(10_000, count)).ToArray();
            var some = new float[subset.Length * dims];
            t = Stopwatch.GetTimestamp();
            set.ReadMany(subset, some);
            Console.WriteLine($"ReadMany {subset.Length} random ordinals: {Stopwatch.GetElapsedTime(t).TotalMicroseconds / subset.Length:F2} µs/vector");
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
    }
}
