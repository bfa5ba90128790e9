using Dify.Bench;

// Benchmark command: prints figures, asserts nothing. See README "Benchmarks".
var command = args.FirstOrDefault() ?? "engine";
switch (command)
{
    case "engine":
        await EngineBench.RunAsync(args.Skip(1).ToArray());
        return 0;
    case "load":
        await LoadBench.RunAsync(args.Skip(1).ToArray());
        return 0;
    case "inference":
        await InferenceBench.RunAsync(args.Skip(1).ToArray());
        return 0;
    case "edge":
        await EdgeBench.RunAsync(args.Skip(1).ToArray());
        return 0;
    case "jpeg":
        await JpegBench.RunAsync(args.Skip(1).ToArray());
        return 0;
    case "keywords":
        await KeywordBench.RunAsync(args.Skip(1).ToArray());
        return 0;
    case "knowledge":
        await KnowledgeBench.RunAsync(args.Skip(1).ToArray());
        return 0;
    case "vectors":
        await VectorFileBench.RunAsync(args.Skip(1).ToArray());
        return 0;
    default:
        Console.Error.WriteLine("usage: Dify.Bench engine|inference|edge|jpeg [--quick] | keywords [--quick] | knowledge [--quick] [--ingest-only|--breakdown-only|--queries-only] | vectors [--count 100000] [--dims 384] [--batch 1024] | load [--clients 200] [--seconds 60] [--model-delay-ms 200] [--host PATH]");
        return 2;
}
