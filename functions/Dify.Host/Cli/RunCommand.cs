using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Host.Composition;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine.Events;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Dify.Workflows.Nodes.Start;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Host.Cli;

/// <summary>
/// `run APP.yml [--inputs JSON] [--query TEXT] [--stream] [--data DIR] [--run-id ID] [--user USER]`:
/// runs an app once on the embedded engine and prints its outputs as one JSON object. Exit code 0
/// for succeeded/partial-succeeded, 1 for a failed or stopped run, 2 for bad input.
/// With --run-id of an unfinished run (the process died), the run is resumed instead.
/// </summary>
public static class RunCommand
{
    public const string Usage = "run APP.yml [--inputs JSON] [--query TEXT] [--stream] [--data DIR] [--run-id ID] [--user USER] [--conversation-id ID]";

    public static async Task<int> ExecuteAsync(CliArguments args, IConfiguration configuration, ILoggerFactory loggers, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count != 1) throw new CliUsageException("run needs exactly one app file");
        var file = args.Positionals[0];
        if (!File.Exists(file)) { await stderr.WriteLineAsync($"error: {file}: no such file"); return 2; }
        var inputs = ParseInputs(args.Get("inputs"));
        var content = await File.ReadAllTextAsync(file, cancellationToken);

        var printer = args.Has("stream") ? new JsonLinesEventPrinter(stdout) : null;
        await using var engine = await LocalEngine.StartAsync(args.Get("data") ?? ".dify", configuration, loggers, cancellationToken, printer);
        var app = engine.Loader.Load(content, Path.GetFileName(file));
        foreach (var w in app.Problems.Where(p => p.IsWarning)) await stderr.WriteLineAsync(w.ToString());
        if (!app.Succeeded)
        {
            foreach (var e in app.Errors) await stderr.WriteLineAsync("error: " + e);
            if (!app.Errors.Any()) await stderr.WriteLineAsync("error: " + (app.Import.Error ?? "the app could not be imported"));
            return 2;
        }
        engine.Remember(app, content);
        await engine.ResumeAsync(cancellationToken);

        var runId = args.Get("run-id");
        var existing = runId is null ? null : await engine.Runtime.GetStateAsync(runId, cancellationToken);
        if (existing is null)
        {
            try
            {
                runId = await engine.Runs.StartAsync(app.Definition!, new StartRunOptions
                {
                    Inputs = inputs,
                    Query = args.Get("query"),
                    RunId = runId,
                    User = args.Get("user") ?? "cli-user",
                    ConversationId = args.Get("conversation-id"),
                }, cancellationToken);
            }
            catch (InputValidationException ex)
            {
                await stderr.WriteLineAsync("error: " + ex.Message);
                return 2;
            }
        }

        var result = await engine.Runs.WaitAsync(runId!, cancellationToken);
        await engine.Events.FlushAsync(cancellationToken);
        var output = app.Definition!.Mode.AnswersInMessages() ? ChatOutput(result) : (JsonObject)result.Outputs.DeepClone();
        await stdout.WriteLineAsync(output.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        if (result.Status is WorkflowRunStatus.Succeeded or WorkflowRunStatus.PartialSucceeded) return 0;
        await stderr.WriteLineAsync($"error: run {runId} {result.Status}: {result.Error}");
        return 1;
    }

    private static JsonObject ChatOutput(WorkflowRunResult result)
    {
        var o = new JsonObject { ["answer"] = result.Answer };
        foreach (var (k, v) in result.Outputs)
            if (k != "answer") o[k] = v?.DeepClone();
        return o;
    }

    private static JsonObject ParseInputs(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return new JsonObject();
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new CliUsageException("--inputs must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw new CliUsageException($"--inputs is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>--stream: one JSON line per event, as it happens.</summary>
    private sealed class JsonLinesEventPrinter(TextWriter stdout) : IRunEventSink
    {
        private readonly Lock _gate = new();

        public void Append(string runId, string key, RunEvent runEvent)
        {
            var line = new JsonObject { ["event"] = runEvent.Event, ["workflow_run_id"] = runId, ["data"] = runEvent.Data.DeepClone() }.ToJsonString();
            lock (_gate) stdout.WriteLine(line);
        }
    }
}
