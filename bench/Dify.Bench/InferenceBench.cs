using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dify.Edge.Inference;
using Dify.Edge.Inference.Native;
using Dify.Testing;

namespace Dify.Bench;

/// <summary>
/// Edge inference figures: latency p50/p99 and throughput of a ResNet-50-shaped model (random weights, 224x224,
/// generated into a temp folder by edge-module/models/generate_models.py) through our C# binding, then through
/// onnxruntime-node (same library build, model file and thread count) in a child node process, and the ratio.
/// Needs edge-module/setup-onnxruntime.sh to have run and Debian's python3-onnx.
/// </summary>
internal static class InferenceBench
{
    private const string InputName = "input";
    private static readonly long[] InputShape = [1, 3, 224, 224];

    public static async Task RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        // One intra-op thread by default: on a shared 2-core machine, spinning pool threads make multi-thread figures
        // mostly measure the neighbours (pass --threads N to compare at N).
        var threads = IntArgument(args, "--threads") ?? 1;
        var warmup = quick ? 3 : 5;
        var runs = IntArgument(args, "--runs") ?? (quick ? 16 : 60);
        // Rounds alternate ours and node, so load from other processes on a shared machine hits both alike.
        var rounds = IntArgument(args, "--rounds") ?? (quick ? 2 : 3);

        using var dir = new TempDirectory("dify-bench-onnx");
        var root = RepositoryRoot();
        var model = await GenerateModelAsync(root, dir.Path);
        var options = new InferenceOptions { IntraOpThreads = threads, InterOpThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.All, WarmUp = false };
        using var runtime = OrtRuntime.Load(options);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; ONNX Runtime {runtime.Version} ({runtime.LibraryPath})");
        Console.WriteLine($"model: ResNet-50-shaped, random weights, input [1,3,224,224] ({new FileInfo(model).Length / 1_000_000} MB); intra-op threads {threads}, sequential; {warmup} warm-up + {runs} timed runs each, in {rounds} alternating rounds");

        var loadStarted = Stopwatch.GetTimestamp();
        using var session = InferenceSession.Load(runtime, model, options);
        Console.WriteLine($"C# session load:   {Stopwatch.GetElapsedTime(loadStarted).TotalMilliseconds:F0} ms");
        var ours = new List<double>();
        var node = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var perRound = (runs / rounds) + (round < runs % rounds ? 1 : 0);
            ours.AddRange(MeasureOurs(session, round == 0 ? warmup : 1, perRound));
            var fromNode = await MeasureNodeAsync(root, dir.Path, model, threads, warmup, perRound);
            if (fromNode == null)
            {
                Console.WriteLine($"C# binding:        {Describe(ours)}");
                return;
            }

            node.AddRange(fromNode);
        }

        Console.WriteLine($"C# binding:        {Describe(ours)}");
        Console.WriteLine($"onnxruntime-node:  {Describe(node)}");
        Console.WriteLine($"ratio ours/node:   p50 {Median(ours) / Median(node):F3}, mean {ours.Average() / node.Average():F3} (goal <= 1.05)");
    }

    private static List<double> MeasureOurs(InferenceSession session, int warmup, int runs)
    {
        var data = new float[InputShape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < data.Length; i++) data[i] = MathF.Sin(i * 0.001f);
        var inputs = new Dictionary<string, Tensor> { [InputName] = Tensor.FromFloat(data, InputShape) };

        for (var i = 0; i < warmup; i++) session.Run(inputs);
        var latencies = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            session.Run(inputs);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return latencies;
    }

    private static async Task<List<double>?> MeasureNodeAsync(string root, string dir, string model, int threads, int warmup, int runs)
    {
        var package = Path.Combine(root, ".tools", "onnxruntime", "node_modules", "onnxruntime-node");
        if (!Directory.Exists(package))
        {
            Console.WriteLine("onnxruntime-node:  skipped (run edge-module/setup-onnxruntime.sh)");
            return null;
        }

        var script = Path.Combine(dir, "bench-node.cjs");
        await File.WriteAllTextAsync(script, NodeScript);
        var output = await RunAsync("node", [script, package, model, threads.ToString(CultureInfo.InvariantCulture),
            warmup.ToString(CultureInfo.InvariantCulture), runs.ToString(CultureInfo.InvariantCulture)]);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var line in lines.Where(l => !l.StartsWith('{')))
        {
            Console.WriteLine($"  node says: {line}");
        }

        var json = lines.Last(l => l.StartsWith('{'));
        return JsonSerializer.Deserialize<NodeResult>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!.LatenciesMs;
    }

    private static string Describe(List<double> latencies)
    {
        var sorted = latencies.Order().ToList();
        var throughput = 1000.0 * latencies.Count / latencies.Sum();
        return $"p50 {Stats.Percentile(sorted, 50):F1} ms, p99 {Stats.Percentile(sorted, 99):F1} ms, mean {latencies.Average():F1} ms, {throughput:F2} inferences/s (n={latencies.Count})";
    }

    private static double Median(List<double> latencies) => Stats.Percentile(latencies.Order().ToList(), 50);

    private static async Task<string> GenerateModelAsync(string root, string dir)
    {
        var python = Environment.GetEnvironmentVariable("DIFY_PYTHON") ?? (File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
        await RunAsync(python, [Path.Combine(root, "edge-module", "models", "generate_models.py"), dir, "--resnet50"]);
        return Path.Combine(dir, "resnet50.onnx");
    }

    private static async Task<string> RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "edge-module", "models", "generate_models.py"))) return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (edge-module/models/generate_models.py) not found");
    }

    private static int? IntArgument(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : null;
    }

    private sealed record NodeResult(List<double> LatenciesMs);

    /// <summary>Same measurement in node: create session, fixed input, warm-up, timed sequential runs.</summary>
    private const string NodeScript = """
        const [, , packagePath, model, threads, warmup, runs] = process.argv;
        const ort = require(packagePath);
        (async () => {
          const loadStarted = process.hrtime.bigint();
          const session = await ort.InferenceSession.create(model, {
            executionProviders: ['cpu'], intraOpNumThreads: Number(threads), interOpNumThreads: 1,
            graphOptimizationLevel: 'all', executionMode: 'sequential',
          });
          console.log(`session load ${(Number(process.hrtime.bigint() - loadStarted) / 1e6).toFixed(0)} ms (onnxruntime-node ${require(packagePath + '/package.json').version})`);
          const data = new Float32Array(1 * 3 * 224 * 224);
          for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001);
          const feeds = { input: new ort.Tensor('float32', data, [1, 3, 224, 224]) };
          for (let i = 0; i < Number(warmup); i++) await session.run(feeds);
          const latenciesMs = [];
          for (let i = 0; i < Number(runs); i++) {
            const started = process.hrtime.bigint();
            await session.run(feeds);
            latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
          }
          const sorted = [...latenciesMs].sort((a, b) => a - b);
          const pick = p => { const r = p / 100 * (sorted.length - 1), lo = Math.floor(r), hi = Math.ceil(r); return sorted[lo] + (sorted[hi] - sorted[lo]) * (r - lo); };
          const mean = latenciesMs.reduce((a, b) => a + b, 0) / latenciesMs.length;
          console.log(`p50 ${pick(50).toFixed(1)} ms, p99 ${pick(99).toFixed(1)} ms, mean ${mean.toFixed(1)} ms, ${(1000 / mean).toFixed(2)} inferences/s`);
          console.log(JSON.stringify({ latenciesMs }));
        })().catch(e => { console.error(e); process.exit(1); });
        """;
}
