using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Api.Http;

namespace Dify.Api.Runs;

/// <summary>
/// Wraps a logged event into Dify's SSE payload without re-parsing its data (the hot path):
/// workflow and node events are <c>{"event","task_id","workflow_run_id","data":{…}}</c>; in chatflows
/// every event also carries conversation_id, message_id and created_at, and <c>message</c> /
/// <c>message_end</c> put their fields at the top level with <c>id</c> = the message id.
/// </summary>
public static class SseEventFormatter
{
    /// <summary>Events an easy-UI app (chat, completion) sends; the workflow and node events of its synthesized graph stay inside.</summary>
    public static bool IsMessageEvent(string eventName) => eventName is "message" or "message_end" or "message_replace" or "message_file" or "agent_message" or "agent_thought";

    /// <summary>
    /// Writes <c>data: {payload}\n\n</c> for the event straight into <paramref name="output"/> (the response pipe)
    /// and returns true, or returns false when this kind of app does not send the event. Workflow and node
    /// events, nearly all of a stream, go through without an intermediate string.
    /// </summary>
    public static bool WriteData(IBufferWriter<byte> output, LaunchedRun run, string eventName, string dataJson, double latency = 0)
    {
        if (run.MessagesOnly && !IsMessageEvent(eventName)) return false;
        var topLevel = run.IsChat && eventName is "message" or "message_end" or "message_replace" or "message_file";
        if (topLevel || eventName == "message_end")
        {
            WriteData(output, Format(run, eventName, dataJson, latency)!);
            return true;
        }
        output.Write(DataPrefix);
        using (var writer = new Utf8JsonWriter(output, WriterOptions))
        {
            WriteHeader(writer, run, eventName);
            writer.WriteString("workflow_run_id", run.RunId);
            writer.WritePropertyName("data");
            writer.WriteRawValue(dataJson, skipInputValidation: true);
            writer.WriteEndObject();
        }
        output.Write(EventEnd);
        return true;
    }

    /// <summary>Writes <c>data: {json}\n\n</c> for an already formatted payload.</summary>
    public static void WriteData(IBufferWriter<byte> output, string json)
    {
        var length = DataPrefix.Length + Encoding.UTF8.GetByteCount(json) + EventEnd.Length;
        var span = output.GetSpan(length);
        DataPrefix.CopyTo(span);
        var written = DataPrefix.Length + Encoding.UTF8.GetBytes(json, span[DataPrefix.Length..]);
        EventEnd.CopyTo(span[written..]);
        output.Advance(written + EventEnd.Length);
    }

    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = ApiJson.WriteOptions.Encoder, SkipValidation = true };

    /// <summary>{"event", chat ids, "task_id" — the members every payload starts with (object left open).</summary>
    private static void WriteHeader(Utf8JsonWriter writer, LaunchedRun run, string eventName)
    {
        writer.WriteStartObject();
        writer.WriteString("event", eventName);
        if (run.IsChat)
        {
            if (run.ShowsConversation) writer.WriteString("conversation_id", run.ConversationId);
            writer.WriteString("message_id", run.MessageId);
            writer.WriteNumber("created_at", run.CreatedAt);
        }
        writer.WriteString("task_id", run.TaskId);
    }

    /// <summary>The SSE payload, or null when this kind of app does not send the event.</summary>
    public static string? Format(LaunchedRun run, string eventName, string dataJson, double latency = 0)
    {
        if (run.MessagesOnly && !IsMessageEvent(eventName)) return null;
        var topLevel = run.IsChat && eventName is "message" or "message_end" or "message_replace" or "message_file";
        if (eventName == "message_end") dataJson = WithFullUsage(dataJson, latency);

        var buffer = new ArrayBufferWriter<byte>(256 + dataJson.Length);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteHeader(writer, run, eventName);
            if (topLevel)
            {
                writer.WriteString("id", run.MessageId);
            }
            else
            {
                writer.WriteString("workflow_run_id", run.RunId);
                writer.WritePropertyName("data");
                writer.WriteRawValue(dataJson, skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        var header = Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (!topLevel) return header;
        // Merge the data object's members into the top level: "{…header…}" + "{…data…}" → "{…header…,…data…}".
        var inner = dataJson.AsSpan().Trim()[1..^1].Trim();
        return inner.IsEmpty ? header : string.Concat(header.AsSpan(0, header.Length - 1), ",", inner, "}");
    }

    /// <summary>An <c>error</c> event (top level): <c>{"event":"error","task_id","message_id"?,"status","code","message"}</c>.</summary>
    public static string Error(LaunchedRun run, int status, string code, string message)
    {
        var o = new JsonObject { ["event"] = "error", ["task_id"] = run.TaskId };
        if (run.IsChat)
        {
            if (run.ShowsConversation) o["conversation_id"] = run.ConversationId;
            o["message_id"] = run.MessageId;
        }
        o["status"] = status;
        o["code"] = code;
        o["message"] = message;
        return o.ToJsonString(ApiJson.WriteOptions);
    }

    private static string WithFullUsage(string dataJson, double latency)
    {
        var data = JsonNode.Parse(dataJson) as JsonObject ?? new JsonObject();
        var metadata = data["metadata"] as JsonObject ?? new JsonObject();
        data["metadata"] = metadata;
        metadata["usage"] = RunPayloads.Usage(metadata["usage"] as JsonObject, latency);
        metadata["retriever_resources"] ??= new JsonArray();
        return data.ToJsonString(ApiJson.WriteOptions);
    }
}
