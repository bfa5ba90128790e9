using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dify.Edge.Templates;

/// <summary>A run whose event has not been handed to the sink yet (one small file per run under <c>{data}/pending</c>).</summary>
public sealed record PendingRun(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("template")] string TemplateId,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

/// <summary>
/// Written (fsync'd) before a run starts, deleted after its event is durable in the sink: after a power cut every file
/// left here is a run to resume or an event to hand over again (same event id, so the cloud drops duplicates).
/// </summary>
internal sealed class PendingRuns(string dataDirectory)
{
    private readonly string directory = Path.Combine(dataDirectory, "pending");

    public Task AddAsync(PendingRun run, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(PathOf(run.RunId), JsonSerializer.SerializeToUtf8Bytes(run), cancellationToken);

    public void Remove(string runId) => File.Delete(PathOf(runId));

    public async Task<IReadOnlyList<PendingRun>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory)) return [];
        var result = new List<PendingRun>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
        {
            try
            {
                var run = JsonSerializer.Deserialize<PendingRun>(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
                if (run is not null) result.Add(run);
            }
            catch (JsonException)
            {
                File.Delete(file); // torn by a crash before the rename could not happen (atomic write); defensive only
            }
        }

        return result.OrderBy(r => r.CreatedAt).ToList();
    }

    private string PathOf(string runId) =>
        Path.Combine(directory, (Guid.TryParse(runId, out var g) ? g.ToString("N") : throw new ArgumentException("run ids are GUIDs", nameof(runId))) + ".json");
}
