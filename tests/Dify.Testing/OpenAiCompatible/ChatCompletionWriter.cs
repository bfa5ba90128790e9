using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Dify.Testing.OpenAiCompatible;

/// <summary>Writes chat.completion JSON and chat.completion.chunk SSE streams exactly as OpenAI does.</summary>
internal static class ChatCompletionWriter
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    public static async Task WriteCompletionAsync(HttpResponse response, RecordedChatRequest request, ChatReply reply, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            var context = ReplyContext.Create(request, reply);
            json.WriteStartObject();
            context.WriteHeader(json, "chat.completion");
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            if (reply.Text is null && reply.ToolCalls.Count > 0)
            {
                json.WriteNull("content");
            }
            else
            {
                json.WriteString("content", reply.Text ?? "");
            }

            if (reply.Reasoning is not null)
            {
                json.WriteString("reasoning_content", reply.Reasoning);
            }

            if (reply.ToolCalls.Count > 0)
            {
                json.WriteStartArray("tool_calls");
                for (var i = 0; i < reply.ToolCalls.Count; i++)
                {
                    var call = reply.ToolCalls[i];
                    json.WriteStartObject();
                    json.WriteString("id", context.ToolCallId(i));
                    json.WriteString("type", "function");
                    json.WriteStartObject("function");
                    json.WriteString("name", call.Name);
                    json.WriteString("arguments", call.ArgumentsJson);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteNull("logprobs");
            json.WriteString("finish_reason", context.FinishReason);
            json.WriteEndObject();
            json.WriteEndArray();
            context.WriteUsage(json);
            json.WriteEndObject();
        }

        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, ct);
    }

    public static async Task WriteStreamAsync(HttpResponse response, RecordedChatRequest request, ChatReply reply, CancellationToken ct)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var context = ReplyContext.Create(request, reply);
        var buffer = new ArrayBufferWriter<byte>(512);
        await using var json = new Utf8JsonWriter(buffer);

        async Task SendAsync(Action<Utf8JsonWriter> writeDelta, string? finishReason = null)
        {
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            buffer.Write(DataPrefix);
            json.WriteStartObject();
            context.WriteHeader(json, "chat.completion.chunk");
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("delta");
            writeDelta(json);
            json.WriteEndObject();
            json.WriteNull("logprobs");
            if (finishReason is null)
            {
                json.WriteNull("finish_reason");
            }
            else
            {
                json.WriteString("finish_reason", finishReason);
            }

            json.WriteEndObject();
            json.WriteEndArray();
            if (request.IncludeUsage)
            {
                json.WriteNull("usage");
            }

            json.WriteEndObject();
            json.Flush();
            buffer.Write(EventEnd);
            await response.Body.WriteAsync(buffer.WrittenMemory, ct);
            await response.Body.FlushAsync(ct);
        }

        await SendAsync(d =>
        {
            d.WriteString("role", "assistant");
            d.WriteString("content", "");
        });

        foreach (var piece in TokenEstimate.Chunks(reply.Reasoning ?? "", reply.ChunkSize))
        {
            await SendAsync(d => d.WriteString("reasoning_content", piece));
        }

        foreach (var piece in TokenEstimate.Chunks(reply.Text ?? "", reply.ChunkSize))
        {
            await SendAsync(d => d.WriteString("content", piece));
        }

        for (var i = 0; i < reply.ToolCalls.Count; i++)
        {
            var index = i;
            var call = reply.ToolCalls[i];
            await SendAsync(d => WriteToolCallDelta(d, index, context.ToolCallId(index), call.Name, ""));
            foreach (var piece in TokenEstimate.Chunks(call.ArgumentsJson, reply.ChunkSize ?? 8))
            {
                await SendAsync(d => WriteToolCallDelta(d, index, null, null, piece));
            }
        }

        await SendAsync(_ => { }, context.FinishReason);

        if (request.IncludeUsage)
        {
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            buffer.Write(DataPrefix);
            json.WriteStartObject();
            context.WriteHeader(json, "chat.completion.chunk");
            json.WriteStartArray("choices");
            json.WriteEndArray();
            context.WriteUsage(json);
            json.WriteEndObject();
            json.Flush();
            buffer.Write(EventEnd);
            await response.Body.WriteAsync(buffer.WrittenMemory, ct);
        }

        await response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray(), ct);
        await response.Body.FlushAsync(ct);
    }

    private static void WriteToolCallDelta(Utf8JsonWriter d, int index, string? id, string? name, string arguments)
    {
        d.WriteStartArray("tool_calls");
        d.WriteStartObject();
        d.WriteNumber("index", index);
        if (id is not null)
        {
            d.WriteString("id", id);
            d.WriteString("type", "function");
        }

        d.WriteStartObject("function");
        if (name is not null)
        {
            d.WriteString("name", name);
        }

        d.WriteString("arguments", arguments);
        d.WriteEndObject();
        d.WriteEndObject();
        d.WriteEndArray();
    }

    /// <summary>Per-reply constants shared by every chunk.</summary>
    private sealed record ReplyContext(string Id, long Created, string Model, string FinishReason, int PromptTokens, int CompletionTokens, ChatReply Reply)
    {
        public static ReplyContext Create(RecordedChatRequest request, ChatReply reply) => new(
            "chatcmpl-" + Guid.NewGuid().ToString("N")[..24],
            DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            reply.Model ?? request.Model,
            reply.FinishReason ?? (reply.ToolCalls.Count > 0 ? "tool_calls" : "stop"),
            reply.PromptTokens ?? TokenEstimate.Prompt(request),
            reply.CompletionTokens ?? TokenEstimate.Completion(reply),
            reply);

        public string ToolCallId(int index) => Reply.ToolCalls[index].Id ?? $"call_{Id[^8..]}_{index}";

        public void WriteHeader(Utf8JsonWriter json, string objectType)
        {
            json.WriteString("id", Id);
            json.WriteString("object", objectType);
            json.WriteNumber("created", Created);
            json.WriteString("model", Model);
            json.WriteString("system_fingerprint", "fp_dify_testing");
        }

        public void WriteUsage(Utf8JsonWriter json)
        {
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", PromptTokens);
            json.WriteNumber("completion_tokens", CompletionTokens);
            json.WriteNumber("total_tokens", PromptTokens + CompletionTokens);
            json.WriteEndObject();
        }
    }
}
