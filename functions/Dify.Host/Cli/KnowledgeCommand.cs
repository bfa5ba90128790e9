using System.Text.Json.Nodes;
using Dify.Host.Composition;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Workflows.Knowledge;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Host.Cli;

/// <summary>
/// `knowledge ingest FOLDER --dataset NAME [--dataset-id ID]` indexes every file under FOLDER
/// (automatic chunking, embedded embedder) with a progress line and a summary;
/// `knowledge query --dataset NAME|ID [--top-k N] TEXT` prints the best chunks as JSON.
/// Use --dataset-id with the id a DSL's knowledge-retrieval node names, so the app finds it.
/// </summary>
public static class KnowledgeCommand
{
    public const string Usage = "knowledge ingest FOLDER --dataset NAME [--dataset-id ID] [--data DIR] | knowledge query --dataset NAME|ID [--top-k N] TEXT";

    public static async Task<int> ExecuteAsync(CliArguments args, IConfiguration configuration, ILoggerFactory loggers, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count < 2) throw new CliUsageException("knowledge needs a sub-command and an argument");
        var dataset = args.Get("dataset") ?? throw new CliUsageException("--dataset is required");
        await using var engine = await LocalEngine.StartAsync(args.Get("data") ?? ".dify", configuration, loggers, cancellationToken);
        return args.Positionals[0] switch
        {
            "ingest" => await IngestAsync(engine, args.Positionals[1], dataset, args.Get("dataset-id"), stdout, stderr, cancellationToken),
            "query" => await QueryAsync(engine, dataset, string.Join(' ', args.Positionals.Skip(1)), int.TryParse(args.Get("top-k"), out var k) ? k : 4, stdout, stderr, cancellationToken),
            var other => throw new CliUsageException($"unknown knowledge sub-command '{other}'"),
        };
    }

    private static async Task<int> IngestAsync(LocalEngine engine, string folder, string name, string? id, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder)) { await stderr.WriteLineAsync($"error: {folder}: no such folder"); return 2; }
        var record = await FindAsync(engine, name, cancellationToken);
        if (record is null)
        {
            record = new DatasetRecord(id ?? Guid.NewGuid().ToString(), name);
            await engine.Ingestor.Datasets.SaveAsync(record, cancellationToken);
        }
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        int done = 0, failed = 0, segments = 0;
        long bytes = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            await using var stream = File.OpenRead(file);
            bytes += stream.Length;
            // The document id is stable per path, so re-ingesting a changed file replaces its chunks.
            var documentId = DocumentIds.ForPath(record.Id, relative);
            var document = await engine.Ingestor.IngestAsync(record.Id, documentId, relative, stream, ProcessRule.Automatic, cancellationToken);
            done++;
            if (document.Status == DocumentStatus.Error) { failed++; await stderr.WriteLineAsync($"\n{relative}: {document.Error}"); }
            else segments += document.TotalSegments;
            await stderr.WriteAsync($"\r[{done}/{files.Count}] {relative}".PadRight(70)[..70]);
        }
        await stderr.WriteLineAsync();
        var summary = new JsonObject
        {
            ["dataset_id"] = record.Id,
            ["dataset"] = record.Name,
            ["documents"] = done - failed,
            ["failed"] = failed,
            ["segments"] = segments,
            ["mb"] = Math.Round(bytes / 1048576.0, 2),
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 2),
        };
        await stdout.WriteLineAsync(summary.ToJsonString());
        return failed == 0 ? 0 : 1;
    }

    private static async Task<int> QueryAsync(LocalEngine engine, string nameOrId, string text, int topK, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var record = await FindAsync(engine, nameOrId, cancellationToken);
        if (record is null) { await stderr.WriteLineAsync($"error: no dataset named '{nameOrId}'"); return 2; }
        var chunks = await engine.Knowledge.RetrieveAsync(new KnowledgeQuery([record.Id], text, topK, SearchMethod.Hybrid), cancellationToken);
        var results = new JsonArray(chunks.Select(c => (JsonNode?)new JsonObject
        {
            ["score"] = Math.Round(c.Score, 4),
            ["document"] = c.DocumentName,
            ["position"] = c.SegmentPosition,
            ["content"] = c.Content,
        }).ToArray());
        await stdout.WriteLineAsync(new JsonObject { ["query"] = text, ["dataset_id"] = record.Id, ["records"] = results }.ToJsonString());
        return 0;
    }

    private static async Task<DatasetRecord?> FindAsync(LocalEngine engine, string nameOrId, CancellationToken cancellationToken) =>
        (await engine.Ingestor.Datasets.ListAsync(cancellationToken)).FirstOrDefault(d => d.Id == nameOrId || d.Name == nameOrId);
}

internal static class DocumentIds
{
    public static string ForPath(string datasetId, string relativePath)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(datasetId + "\n" + relativePath));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
