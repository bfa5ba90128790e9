using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Edge.Events;
using Dify.Edge.Nodes.OnnxInference;
using Dify.Edge.Templates;
using Dify.Workflows.Nodes.Start;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Methods;

/// <summary>A direct method's answer: an HTTP-like status and a JSON body.</summary>
public sealed record MethodResult(int Status, JsonNode? Body)
{
    public byte[] BodyUtf8 => Body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(Body);
}

/// <summary>
/// The module's direct methods: <c>ping</c>, <c>runTemplate</c> ({template, inputs} → outputs), <c>flushQueue</c>
/// ({timeout_seconds}) and <c>status</c> (queue depth, dropped count, active templates, inference provider).
/// </summary>
public sealed class DirectMethods(TemplateRunner runner, TemplateStore templates, IEventSink sink, ModelCatalog models, ILogger<DirectMethods> logger, TimeProvider? time = null)
{
    private readonly DateTimeOffset started = (time ?? TimeProvider.System).GetUtcNow();

    public static IReadOnlyList<string> Names { get; } = ["ping", "runTemplate", "flushQueue", "status"];

    public async Task<MethodResult> InvokeAsync(string name, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        JsonNode? request;
        try
        {
            request = payload.IsEmpty ? null : JsonNode.Parse(payload.Span);
        }
        catch (JsonException e)
        {
            return Error(400, "the payload is not JSON: " + e.Message);
        }

        try
        {
            return name switch
            {
                "ping" => new MethodResult(200, new JsonObject { ["pong"] = true, ["time"] = DateTimeOffset.UtcNow.ToString("O") }),
                "runTemplate" => await RunTemplateAsync(request as JsonObject, cancellationToken).ConfigureAwait(false),
                "flushQueue" => await FlushAsync(request as JsonObject, cancellationToken).ConfigureAwait(false),
                "status" => new MethodResult(200, Status()),
                _ => Error(404, $"unknown method '{name}' (methods: {string.Join(", ", Names)})"),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Direct method {Method} failed", name);
            return Error(500, e.Message);
        }
    }

    private async Task<MethodResult> RunTemplateAsync(JsonObject? request, CancellationToken cancellationToken)
    {
        if (request?["template"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String) return Error(400, "template (an active template id) is required");
        var id = t.GetValue<string>();
        if (templates.Find(id) is null) return Error(404, $"template '{id}' is not active on this device");
        var inputs = request["inputs"] switch
        {
            null => new JsonObject(),
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => null,
        };
        if (inputs is null) return Error(400, "inputs must be an object");
        TemplateRunOutcome outcome;
        try
        {
            outcome = await runner.RunAsync(id, inputs, cancellationToken).ConfigureAwait(false);
        }
        catch (InputValidationException e)
        {
            return Error(400, e.Message);
        }

        return new MethodResult(outcome.Status is "succeeded" or "partial-succeeded" ? 200 : 500, new JsonObject
        {
            ["run_id"] = outcome.RunId,
            ["template"] = outcome.TemplateId,
            ["template_version"] = outcome.Version,
            ["status"] = outcome.Status,
            ["outputs"] = outcome.Outputs.DeepClone(),
            ["error"] = outcome.Error,
        });
    }

    private async Task<MethodResult> FlushAsync(JsonObject? request, CancellationToken cancellationToken)
    {
        var seconds = request?["timeout_seconds"] is JsonValue v && v.TryGetValue<double>(out var s) ? Math.Clamp(s, 0, 300) : 30;
        var remaining = await sink.FlushAsync(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        return new MethodResult(remaining == 0 ? 200 : 504, new JsonObject { ["remaining"] = remaining, ["delivered"] = sink.Status.Delivered });
    }

    public JsonObject Status()
    {
        var queue = sink.Status;
        var runtime = models.Runtime;
        return new JsonObject
        {
            ["queue"] = new JsonObject
            {
                ["depth"] = queue.QueueDepth,
                ["dropped"] = queue.DroppedCount,
                ["delivered"] = queue.Delivered,
                ["connected"] = queue.Connected,
            },
            ["templates"] = new JsonObject(templates.Active.Values.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a =>
                KeyValuePair.Create(a.Id, (JsonNode?)new JsonObject { ["version"] = a.Version, ["enabled"] = a.Enabled }))),
            ["runs"] = new JsonObject { ["in_flight"] = runner.InFlight, ["completed"] = runner.Completed, ["failed"] = runner.Failed },
            ["inference"] = new JsonObject
            {
                ["provider"] = runtime.Options.ExecutionProvider.ToString().ToLowerInvariant(),
                ["runtime_loaded"] = runtime.IsLoaded,
                ["runtime_version"] = runtime.IsLoaded ? runtime.Runtime.Version : null,
                ["available_providers"] = runtime.IsLoaded ? new JsonArray(runtime.Runtime.GetAvailableProviders().Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()) : null,
                ["models_loaded"] = models.LoadedCount,
            },
            ["uptime_seconds"] = Math.Round((DateTimeOffset.UtcNow - started).TotalSeconds),
            ["memory_bytes"] = Environment.WorkingSet,
        };
    }

    private static MethodResult Error(int status, string message) => new(status, new JsonObject { ["error"] = message });
}
