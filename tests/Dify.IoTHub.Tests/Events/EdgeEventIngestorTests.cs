using System.Text;
using System.Text.Json.Nodes;
using Dify.IoTHub.Events;
using Dify.Storage.Edge;
using Dify.Storage.Sqlite;
using Dify.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.IoTHub.Tests.Events;

/// <summary>The ingestor over a real SQLite event store: parsing, dedup, rejection with reasons, routes.</summary>
public sealed class EdgeEventIngestorTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Enqueued = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);
    private readonly TempDirectory _dir = new("dify-edge-ingest");

    private async Task<(EdgeEventIngestor Ingestor, SqliteEdgeEventStore Store, RecordingWorkflowStarter Starter)> NewAsync(EdgeEventOptions? options = null, params string[] apps)
    {
        var store = new SqliteEdgeEventStore(await SqliteEdgeDatabase.OpenAsync(_dir.Combine(Guid.NewGuid().ToString("N")), Ct));
        var starter = new RecordingWorkflowStarter(apps);
        return (new EdgeEventIngestor(store, starter, options ?? new EdgeEventOptions(), TimeProvider.System, NullLogger<EdgeEventIngestor>.Instance), store, starter);
    }

    /// <summary>A message as our module's drain loop sends it: the event JSON, its id as message id and properties.</summary>
    private static EdgeTelemetryMessage ModuleEvent(string eventId, string source = "defects", string device = "press-07", string module = "dify", string status = "succeeded") => new(
        device, module, eventId, Enqueued,
        new Dictionary<string, string> { ["event-id"] = eventId, ["event-source"] = source, ["template-version"] = "3", ["run-status"] = status },
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["event_id"] = eventId, ["source"] = source, ["template_version"] = "3", ["created_at"] = "2026-05-01T10:00:00+00:00", ["status"] = status,
            ["outputs"] = new JsonObject { ["is_defect"] = true, ["top"] = new JsonObject { ["label"] = "crack" } },
        }.ToJsonString()))
    { ContentType = "application/json", ContentEncoding = "utf-8" };

    [Fact]
    public async Task Module_events_are_stored_with_their_fields_and_a_redelivered_batch_is_dropped()
    {
        var (ingestor, store, _) = await NewAsync();
        var batch = new[] { ModuleEvent("e1"), ModuleEvent("e2"), ModuleEvent("e1") };
        var first = await ingestor.IngestBatchAsync(batch, Ct);
        Assert.Equal((2, 1, 0), (first.Stored, first.Duplicates, first.Rejected));

        var again = await ingestor.IngestBatchAsync(batch, Ct);
        Assert.Equal((0, 3), (again.Stored, again.Duplicates));

        var e1 = (await store.GetAsync("press-07", "dify", "e1", Ct))!;
        Assert.Equal((EdgeEventStatus.Accepted, "defects", "3", "succeeded", "e1", Enqueued), (e1.Status, e1.Source, e1.TemplateVersion, e1.RunStatus, e1.MessageId, e1.EnqueuedAt));
        Assert.Equal(DateTimeOffset.Parse("2026-05-01T10:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture), e1.CreatedAt);
        Assert.Equal("crack", (string)e1.Event!["outputs"]!["top"]!["label"]!);
        Assert.Equal("defects", (string)e1.Properties["event-source"]!);
        Assert.Equal(2, (await store.ListAsync(new EdgeEventQuery(), Ct)).Items.Count);
    }

    [Fact]
    public async Task A_json_array_carries_several_events_and_the_id_falls_back_to_properties_or_message_id()
    {
        var (ingestor, store, _) = await NewAsync();
        var array = new EdgeTelemetryMessage("d1", "m1", "batch-1", Enqueued, new Dictionary<string, string>(),
            Encoding.UTF8.GetBytes("""[{"event_id":"a","source":"s"},{"source":"s","value":2},{"event_id":"c"}]"""));
        var noBodyId = new EdgeTelemetryMessage("d1", null, "mid-9", Enqueued, new Dictionary<string, string> { ["event-id"] = "prop-id" }, Encoding.UTF8.GetBytes("""{"value":1}"""));
        var onlyMessageId = new EdgeTelemetryMessage("d1", "m1", "mid-10", Enqueued, new Dictionary<string, string>(), Encoding.UTF8.GetBytes("""{"value":1}"""));

        var result = await ingestor.IngestBatchAsync([array, noBodyId, onlyMessageId], Ct);
        Assert.Equal(5, result.Stored);
        Assert.Equal(["a", "batch-1/1", "c", "prop-id", "mid-10"], result.Events.Select(e => e.EventId));
        Assert.NotNull(await store.GetAsync("d1", "", "prop-id", Ct));
        Assert.Equal(2, (int)(await store.GetAsync("d1", "m1", "batch-1/1", Ct))!.Event!["value"]!);
    }

    [Theory]
    [InlineData("not json at all", null, null, "not JSON")]
    [InlineData("", null, null, "empty")]
    [InlineData("42", null, null, "not an event object")]
    [InlineData("[]", null, null, "empty JSON array")]
    [InlineData("""{"event_id": 7}""", null, null, "event_id must be a string")]
    [InlineData("""{"event_id": "x", "created_at": "yesterday"}""", null, null, "created_at 'yesterday'")]
    [InlineData("""{"event_id": "x"}""", "text/csv", null, "content type 'text/csv'")]
    [InlineData("""{"event_id": "x"}""", "application/json", "gzip", "content encoding 'gzip'")]
    public async Task Malformed_messages_are_stored_as_rejected_with_the_reason_and_the_batch_goes_on(string body, string? contentType, string? encoding, string reason)
    {
        var (ingestor, store, _) = await NewAsync();
        var bad = new EdgeTelemetryMessage("press-07", "dify", null, Enqueued, new Dictionary<string, string>(), Encoding.UTF8.GetBytes(body)) { ContentType = contentType, ContentEncoding = encoding };
        var result = await ingestor.IngestBatchAsync([ModuleEvent("before"), bad, ModuleEvent("after")], Ct);
        Assert.Equal((2, 1), (result.Stored, result.Rejected));

        var rejected = Assert.Single((await store.ListAsync(new EdgeEventQuery(), Ct)).Items, e => e.Status == EdgeEventStatus.Rejected);
        Assert.Contains(reason, rejected.Error, StringComparison.Ordinal);
        Assert.Equal(body, Encoding.UTF8.GetString(Convert.FromBase64String(rejected.RawBody!)));
        Assert.StartsWith("rejected:sha256:", rejected.EventId, StringComparison.Ordinal);

        // Delivered again: still one rejected record.
        var again = await ingestor.IngestBatchAsync([bad], Ct);
        Assert.Equal((0, 1), (again.Rejected, again.Duplicates));
    }

    [Fact]
    public async Task A_bad_element_of_an_array_is_rejected_alone()
    {
        var (ingestor, store, _) = await NewAsync();
        var mixed = new EdgeTelemetryMessage("d1", "m1", "mix", Enqueued, new Dictionary<string, string>(), Encoding.UTF8.GetBytes("""[{"event_id":"ok"}, "oops", {"event_id": ""}]"""));
        var result = await ingestor.IngestBatchAsync([mixed], Ct);
        Assert.Equal((1, 2), (result.Stored, result.Rejected));
        Assert.Contains("element 1", (await store.GetAsync("d1", "m1", "rejected:mix/1", Ct))!.Error, StringComparison.Ordinal);
        Assert.Contains("no event_id", (await store.GetAsync("d1", "m1", "rejected:mix/2", Ct))!.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Matching_routes_start_one_run_per_event_and_app_with_the_event_as_inputs()
    {
        var options = new EdgeEventOptions
        {
            Routes =
            {
                new EdgeEventRoute { DeviceId = "press-07", Source = "defects", AppId = "triage" },
                new EdgeEventRoute { ModuleId = "dify", AppId = "audit", User = "auditor" },
                new EdgeEventRoute { Source = "defects", AppId = "triage" }, // same app again: still one run
                new EdgeEventRoute { DeviceId = "press-99", AppId = "never" },
            },
        };
        var (ingestor, _, starter) = await NewAsync(options, "triage", "audit");

        var result = await ingestor.IngestBatchAsync([ModuleEvent("e1"), ModuleEvent("e2", source: "vibration")], Ct);
        Assert.Equal(3, result.RunsStarted);
        Assert.Equal(["audit", "triage"], result.Events[0].StartedRunIds.Select(id => starter.Runs[id].AppId).Order());
        Assert.Equal(["audit"], result.Events[1].StartedRunIds.Select(id => starter.Runs[id].AppId));

        var triage = starter.Runs.Values.Single(r => r.AppId == "triage");
        Assert.Equal(("e1", "press-07", "dify", "defects", true, "edge-events"), ((string)triage.Inputs["event_id"]!, (string)triage.Inputs["device_id"]!,
            (string)triage.Inputs["module_id"]!, (string)triage.Inputs["event_source"]!, (bool)triage.Inputs["outputs"]!["is_defect"]!, triage.User));
        Assert.Equal("crack", (string)triage.Inputs["event"]!["outputs"]!["top"]!["label"]!);
        Assert.Equal("auditor", starter.Runs.Values.First(r => r.AppId == "audit").User);

        // A redelivery maps to the same run ids: nothing new starts.
        var again = await ingestor.IngestBatchAsync([ModuleEvent("e1")], Ct);
        Assert.Equal((0, 1), (again.RunsStarted, again.Duplicates));
        Assert.Equal(3, starter.Runs.Count);
    }

    [Fact]
    public async Task A_route_to_an_unknown_app_is_reported_and_the_event_is_still_stored()
    {
        var options = new EdgeEventOptions { Routes = { new EdgeEventRoute { AppId = "missing" } } };
        var (ingestor, store, _) = await NewAsync(options);
        var result = await ingestor.IngestBatchAsync([ModuleEvent("e1")], Ct);
        Assert.Equal((1, 0, 1), (result.Stored, result.RunsStarted, result.RouteFailures));
        Assert.Contains("missing", Assert.Single(result.Events[0].RouteErrors), StringComparison.Ordinal);
        Assert.NotNull(await store.GetAsync("press-07", "dify", "e1", Ct));
    }

    [Fact]
    public async Task Rejected_messages_never_start_runs_and_a_route_without_an_app_is_a_configuration_error()
    {
        var (ingestor, _, starter) = await NewAsync(new EdgeEventOptions { Routes = { new EdgeEventRoute { AppId = "triage" } } }, "triage");
        await ingestor.IngestBatchAsync([new EdgeTelemetryMessage("d", "m", "x", Enqueued, new Dictionary<string, string>(), Encoding.UTF8.GetBytes("nope"))], Ct);
        Assert.Empty(starter.Runs);

        var error = Assert.Throws<InvalidOperationException>(() => new EdgeEventOptions { Routes = { new EdgeEventRoute { AppId = "a" }, new EdgeEventRoute { DeviceId = "d" } } }.Validate());
        Assert.Contains("EdgeEvents:Routes:1:AppId", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
