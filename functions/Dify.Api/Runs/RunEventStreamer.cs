using Dify.Api.Observability;
using Dify.Storage.Runs;
using Dify.Workflows.Engine.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Api.Runs;

/// <summary>
/// Streams a run to an SSE client by tailing its event log until <c>workflow_finished</c>, with an
/// <c>event: ping</c> keep-alive when nothing happens for a while. When the run ends without that
/// event in the log (the orchestration itself failed), one is made from the run's result. A client
/// that goes away only stops the stream, never the run.
/// </summary>
public sealed class RunEventStreamer(IRunEventLog log, IOptions<DifyApiOptions> options, IHostApplicationLifetime lifetime, ApiMetrics metrics, ILogger<RunEventStreamer> logger)
{
    private const int BatchSize = 256;

    /// <summary>
    /// Streams the run's events logged after <paramref name="after"/> until it ends. With
    /// <paramref name="eventIds"/> each logged event is preceded by an SSE <c>id:</c> line (its sequence),
    /// which a reconnecting client sends back as Last-Event-ID.
    /// </summary>
    public async Task StreamAsync(HttpContext http, LaunchedRun run, CancellationToken requestAborted, long after = 0, bool eventIds = false)
    {
        // Streams end when the host shuts down; the run goes on (and resumes after a restart).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var cancellationToken = linked.Token;
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken);

        var ping = TimeSpan.FromSeconds(Math.Max(0.05, options.Value.PingIntervalSeconds));
        metrics.SseClientConnected();
        try
        {
            while (true)
            {
                var (finished, last) = await WriteAvailableAsync(response, run, after, eventIds, cancellationToken);
                after = last;
                if (finished) return;

                using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var waitForEvents = log.WaitForEventsAsync(run.RunId, after, wake.Token);
                var timer = Task.Delay(ping, wake.Token);
                var first = await Task.WhenAny(waitForEvents, run.Completion, timer);
                await wake.CancelAsync();
                await Task.WhenAll(SwallowCancellation(waitForEvents), SwallowCancellation(timer));
                cancellationToken.ThrowIfCancellationRequested();

                if (first == timer)
                {
                    await response.WriteAsync("event: ping\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                }
                else if (first == run.Completion)
                {
                    await FinishAsync(response, run, after, eventIds, cancellationToken);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("Stream of run {RunId} closed by the client", run.RunId);
        }
        finally
        {
            metrics.SseClientDisconnected();
        }
    }

    /// <summary>Writes the events logged after <paramref name="after"/>; returns whether workflow_finished was among them.</summary>
    private async Task<(bool Finished, long Last)> WriteAvailableAsync(HttpResponse response, LaunchedRun run, long after, bool eventIds, CancellationToken cancellationToken)
    {
        var finished = false;
        while (!finished)
        {
            var batch = await log.ReadAsync(run.RunId, after, BatchSize, cancellationToken);
            if (batch.Count == 0) break;
            foreach (var e in batch)
            {
                after = e.Sequence;
                var latency = e.Event == "message_end" && run.Completion.IsCompletedSuccessfully ? run.Completion.Result.ElapsedTime : 0;
                if (eventIds && (!run.MessagesOnly || SseEventFormatter.IsMessageEvent(e.Event))) WriteEventId(response.BodyWriter, e.Sequence);
                SseEventFormatter.WriteData(response.BodyWriter, run, e.Event, e.DataJson, latency);
                if (e.Event == "workflow_finished")
                {
                    finished = true;
                    break;
                }
            }
            await response.Body.FlushAsync(cancellationToken);
            if (batch.Count < BatchSize) break;
        }
        if (finished) await WriteErrorIfFailedAsync(response, run, cancellationToken);
        return (finished, after);
    }

    /// <summary>The run ended: drain the log, and if it never logged workflow_finished, make one from the result.</summary>
    private async Task FinishAsync(HttpResponse response, LaunchedRun run, long after, bool eventIds, CancellationToken cancellationToken)
    {
        await log.FlushAsync(cancellationToken);
        var (finished, _) = await WriteAvailableAsync(response, run, after, eventIds, cancellationToken);
        if (finished || await ResultAsync(run) is not { } result) return;
        if (run.IsChat)
            await WriteDataAsync(response, SseEventFormatter.Format(run, "message_end", "{\"metadata\":{},\"files\":[]}", result.ElapsedTime)!, cancellationToken);
        var data = RunPayloads.WorkflowFinishedData(run, result);
        data["exceptions_count"] = result.ExceptionsCount;
        data["files"] = new System.Text.Json.Nodes.JsonArray();
        if (SseEventFormatter.Format(run, "workflow_finished", data.ToJsonString(Http.ApiJson.WriteOptions)) is { } finishedEvent)
            await WriteDataAsync(response, finishedEvent, cancellationToken);
        await WriteErrorIfFailedAsync(response, run, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Chatflows end a failed run with an <c>error</c> event after workflow_finished, as Dify does.</summary>
    private static async Task WriteErrorIfFailedAsync(HttpResponse response, LaunchedRun run, CancellationToken cancellationToken)
    {
        if (!run.IsChat) return;
        await Task.WhenAny(run.Completion).WaitAsync(cancellationToken);
        if (await ResultAsync(run) is not { Status: WorkflowRunStatus.Failed } result) return;
        await WriteDataAsync(response, SseEventFormatter.Error(run, 400, "completion_request_error", result.Error ?? "The run failed."), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>The run's result, or null when following it was cut short (host shutting down).</summary>
    private static async Task<WorkflowRunResult?> ResultAsync(LaunchedRun run)
    {
        try
        {
            return await run.Completion;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Encoded straight into the response's pipe (sent at the next flush).</summary>
    private static Task WriteDataAsync(HttpResponse response, string json, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SseEventFormatter.WriteData(response.BodyWriter, json);
        return Task.CompletedTask;
    }

    /// <summary><c>id: {sequence}\n</c> before an event, for Last-Event-ID.</summary>
    private static void WriteEventId(System.IO.Pipelines.PipeWriter writer, long sequence)
    {
        var span = writer.GetSpan(32);
        "id: "u8.CopyTo(span);
        System.Buffers.Text.Utf8Formatter.TryFormat(sequence, span[4..], out var digits);
        span[4 + digits] = (byte)'\n';
        writer.Advance(5 + digits);
    }

    private static async Task SwallowCancellation(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
