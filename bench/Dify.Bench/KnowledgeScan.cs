using System.Diagnostics;
using Dify.Knowledge.Index;

namespace Dify.Bench;

/// <summary>The vector scan alone: nearest 80 of N random unit vectors in a search view (int8, SIMD), single query at a time.</summary>
internal static class KnowledgeScan
{
    public static void Run(int count, int dims)
    {
        var random = new Random(5);
        var view = new DatasetVectors(dims);
        var vector = new float[dims];
        for (var i = 0; i < count; i++)
        {
            for (var d = 0; d < dims; d++) vector[d] = (float)(random.NextDouble() * 2 - 1);
            view.Add(i + 1, "doc", 0, vector, -1);
        }
        view.SetDocument("doc", true, null);
        var allowed = view.AllowedDocuments(null);
        var times = new List<double>();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var q = 0; q < 300; q++)
        {
            for (var d = 0; d < dims; d++) vector[d] = (float)(random.NextDouble() * 2 - 1);
            var start = Stopwatch.GetTimestamp();
            view.Nearest(vector, allowed, 80);
            if (q >= 100) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / 300;
        Console.WriteLine($"vector scan alone, {count} × {dims}-d int8: {Stats.Describe(times)}, {cpuMs:F2} CPU-ms/query");
    }
}
