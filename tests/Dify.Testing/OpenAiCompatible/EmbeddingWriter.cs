using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Dify.Testing.OpenAiCompatible;

/// <summary>Writes the OpenAI embeddings list response (float arrays or base64 little-endian float32).</summary>
internal static class EmbeddingWriter
{
    public static async Task WriteAsync(HttpResponse response, RecordedEmbeddingRequest request, IReadOnlyList<float[]> vectors, CancellationToken ct)
    {
        var base64 = string.Equals(request.EncodingFormat, "base64", StringComparison.OrdinalIgnoreCase);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            for (var i = 0; i < vectors.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                if (base64)
                {
                    json.WriteBase64String("embedding", MemoryMarshal.AsBytes(vectors[i].AsSpan()));
                }
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (var value in vectors[i])
                    {
                        json.WriteNumberValue(value);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("model", request.Model);
            var tokens = request.Inputs.Sum(TokenEstimate.Count);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", tokens);
            json.WriteNumber("total_tokens", tokens);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, ct);
    }
}
