using System.Text.Json.Nodes;

namespace Dify.Api.Tests.Http;

/// <summary>A parsed SSE response: the <c>data:</c> events in order, and how many <c>event: ping</c> keep-alives came.</summary>
public sealed class SseStream
{
    public List<JsonObject> Events { get; } = [];
    public int Pings { get; private set; }
    public List<string> RawLines { get; } = [];

    public IEnumerable<string> Names => Events.Select(e => e["event"]!.GetValue<string>());

    public JsonObject Last(string name) => Events.Last(e => e["event"]!.GetValue<string>() == name);

    public static async Task<SseStream> ReadAsync(HttpResponseMessage response, Func<JsonObject, Task>? onEvent)
    {
        var stream = new SseStream();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            stream.RawLines.Add(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var e = (JsonObject)JsonNode.Parse(line["data: ".Length..])!;
                stream.Events.Add(e);
                if (onEvent is not null) await onEvent(e);
            }
            else if (line == "event: ping")
            {
                stream.Pings++;
            }
            else
            {
                Assert.Equal("", line);
            }
        }
        return stream;
    }
}
