using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Storage.Edge;
using Microsoft.Extensions.Logging;

namespace Dify.IoTHub.Events;

/// <summary>
/// The cloud's intake of device events: parse (<see cref="EdgeEventParser"/>), store once per (device, module, event
/// id), and for accepted events that a configured route matches, start the route's app with the event as inputs. A
/// route's run id is derived from the event and the app, and the starter skips ids that exist, so a redelivered event
/// (even one whose first delivery stored it and then crashed before the run started) starts its run exactly once.
/// A run that cannot start (unknown app, inputs the app refuses) is logged and counted; the event stays stored.
/// </summary>
public sealed class EdgeEventIngestor : IEdgeEventIngestor
{
    private readonly IEdgeEventStore _store;
    private readonly IEdgeWorkflowStarter? _starter;
    private readonly EdgeEventOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EdgeEventIngestor> _logger;

    /// <param name="starter">Null when this host cannot start workflows; routes then fail with a logged error.</param>
    public EdgeEventIngestor(IEdgeEventStore store, IEdgeWorkflowStarter? starter, EdgeEventOptions options, TimeProvider time, ILogger<EdgeEventIngestor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_store, _starter, _options, _time, _logger) = (store, starter, options, time, logger);
    }

    public async Task<EdgeIngestResult> IngestBatchAsync(IReadOnlyList<EdgeTelemetryMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var outcomes = new List<EdgeIngestedEvent>(messages.Count);
        foreach (var message in messages)
        {
            foreach (var record in EdgeEventParser.Parse(message, _time.GetUtcNow()))
            {
                var inserted = await _store.TryInsertAsync(record, ct).ConfigureAwait(false);
                if (record.Status == EdgeEventStatus.Rejected)
                {
                    if (inserted) _logger.LogWarning("Rejected a message from {DeviceId}/{ModuleId} (message {MessageId}): {Reason}", record.DeviceId, record.ModuleId, record.MessageId, record.Error);
                    outcomes.Add(new EdgeIngestedEvent(record.DeviceId, record.ModuleId, record.EventId, inserted ? EdgeIngestOutcome.Rejected : EdgeIngestOutcome.Duplicate, [], []));
                    continue;
                }
                var (started, errors) = await RouteAsync(record, ct).ConfigureAwait(false);
                outcomes.Add(new EdgeIngestedEvent(record.DeviceId, record.ModuleId, record.EventId, inserted ? EdgeIngestOutcome.Stored : EdgeIngestOutcome.Duplicate, started, errors));
            }
        }
        var result = new EdgeIngestResult(outcomes);
        // A healthy stream is one line per batch at Debug; rejections and failed routes are already logged one by one.
        _logger.Log(result.Rejected + result.RouteFailures > 0 ? LogLevel.Information : LogLevel.Debug,
            "Ingested {MessageCount} edge messages: {Stored} stored, {Duplicates} duplicates, {Rejected} rejected, {RunsStarted} runs started, {RouteFailures} route failures",
            messages.Count, result.Stored, result.Duplicates, result.Rejected, result.RunsStarted, result.RouteFailures);
        return result;
    }

    private async Task<(List<string> Started, List<string> Errors)> RouteAsync(EdgeEventRecord record, CancellationToken ct)
    {
        List<string> started = [], errors = [];
        var routes = _options.Routes.Where(r => r.Matches(record.DeviceId, record.ModuleId, record.Source)).DistinctBy(r => r.AppId, StringComparer.Ordinal);
        foreach (var route in routes)
        {
            var runId = RunIdFor(record, route.AppId);
            try
            {
                if (_starter is null) throw new InvalidOperationException("this host has no workflow starter");
                if (await _starter.StartAsync(new EdgeWorkflowRequest(route.AppId, runId, route.User ?? _options.RunUser, Inputs(record)), ct).ConfigureAwait(false))
                {
                    started.Add(runId);
                    _logger.LogInformation("Event {EventId} from {DeviceId}/{ModuleId} started run {RunId} of app {AppId}", record.EventId, record.DeviceId, record.ModuleId, runId, route.AppId);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                errors.Add($"app {route.AppId}: {e.Message}");
                _logger.LogError("Event {EventId} from {DeviceId}/{ModuleId} matched a route to app {AppId} but the run did not start: {Error}",
                    record.EventId, record.DeviceId, record.ModuleId, route.AppId, e.Message);
            }
        }
        return (started, errors);
    }

    /// <summary>
    /// The run's inputs: the event's identity and fields, the whole event as <c>event</c> and its <c>outputs</c>
    /// (a start form picks what it declares; Dify passes undeclared inputs through).
    /// </summary>
    public static JsonObject Inputs(EdgeEventRecord record) => new()
    {
        ["device_id"] = record.DeviceId,
        ["module_id"] = record.ModuleId,
        ["event_id"] = record.EventId,
        ["event_source"] = record.Source,
        ["template_version"] = record.TemplateVersion,
        ["run_status"] = record.RunStatus,
        ["created_at"] = record.CreatedAt?.ToString("o"),
        ["outputs"] = record.Event?["outputs"] is JsonObject outputs ? outputs.DeepClone() : new JsonObject(),
        ["event"] = record.Event?.DeepClone(),
    };

    /// <summary>A GUID from SHA-256 of (device, module, event id, app): the same event routed to the same app is the same run.</summary>
    public static string RunIdFor(EdgeEventRecord record, string appId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', record.DeviceId, record.ModuleId, record.EventId, appId)));
        return new Guid(hash.AsSpan(0, 16)).ToString("D");
    }
}
