using System.Diagnostics;
using System.Globalization;
using Dify.Edge.Inference.Imaging;
using Dify.Testing;

namespace Dify.Bench;

/// <summary>
/// Managed JPEG decode of a 1280x720 camera-like frame (gradient + shapes + noise, quality 90, 4:2:0, written by
/// PIL): our decoder's p50/p99, and PIL's (libjpeg-turbo, SIMD) decode of the same file for scale. Needs python3-pil.
/// </summary>
internal static class JpegBench
{
    private const string Script = """
        import io, sys, timeit
        import numpy as np
        from PIL import Image
        rng = np.random.default_rng(9)
        y, x = np.mgrid[0:720, 0:1280].astype(np.float64)
        img = np.stack([255 * x / 1279, 255 * y / 719, 128 + 100 * np.sin(x / 5.0) * np.cos(y / 7.0)], axis=-1)
        img += rng.normal(0, 12, img.shape)
        buffer = io.BytesIO()
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=90, subsampling=2)
        open(sys.argv[1], "wb").write(buffer.getvalue())
        data = buffer.getvalue()
        runs = int(sys.argv[2])
        times = sorted(timeit.repeat(lambda: Image.open(io.BytesIO(data)).convert("RGB").tobytes(), number=1, repeat=runs))
        print(f"{times[len(times) // 2] * 1000:.2f}")
        """;

    public static async Task RunAsync(string[] args)
    {
        var runs = args.Contains("--quick") ? 10 : 40;
        using var dir = new TempDirectory("dify-bench-jpeg");
        var path = Path.Combine(dir.Path, "frame.jpg");
        var start = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", Script, path, runs.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var pilMedian = (await process.StandardOutput.ReadToEndAsync()).Trim();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException("python3-pil is needed for the JPEG bench: " + stderr);

        var data = await File.ReadAllBytesAsync(path);
        // Enough warm-up for tiered compilation to reach its optimized code: the module decodes frames all day.
        for (var i = 0; i < 40; i++) JpegDecoder.Decode(data);
        var times = new List<double>(runs);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            JpegDecoder.Decode(data);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var perDecode = (GC.GetAllocatedBytesForCurrentThread() - allocated) / runs;
        times.Sort();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; 1280x720 q90 4:2:0, {data.Length / 1024} KiB, {runs} runs");
        Console.WriteLine($"managed decoder:  p50 {times[runs / 2]:F2} ms, p99 {times[Math.Min(runs - 1, (int)(runs * 0.99))]:F2} ms, {perDecode / 1024} KiB allocated per decode");
        Console.WriteLine($"PIL (libjpeg-turbo) decode + RGB copy: p50 {pilMedian} ms");
    }
}
