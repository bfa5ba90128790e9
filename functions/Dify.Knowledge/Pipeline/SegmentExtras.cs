using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Pipeline;

/// <summary>
/// Segment fields the search does not read: the answer of a Q&amp;A segment and its keywords (a JSON array of strings).
/// Kept on the segment's row so they go wherever the row goes (re-ingest, delete).
/// </summary>
internal static class SegmentExtras
{
    /// <summary>Sets the fields of the segment at <paramref name="position"/> (its parent row, not its children).</summary>
    public static Task SetAsync(SqliteConnection c, string datasetId, string documentId, int position, string? answer, IReadOnlyList<string>? keywords, CancellationToken ct) =>
        UpdateAsync(c, "dataset_id = $dataset AND document_id = $doc AND position = $position AND kind <> 2", answer, keywords, command =>
        {
            command.Parameters.AddWithValue("$dataset", datasetId);
            command.Parameters.AddWithValue("$doc", documentId);
            command.Parameters.AddWithValue("$position", position);
        }, ct);

    public static Task SetAsync(SqliteConnection c, long rowId, string? answer, IReadOnlyList<string>? keywords, CancellationToken ct) =>
        UpdateAsync(c, "id = $row", answer, keywords, command => command.Parameters.AddWithValue("$row", rowId), ct);

    public static IReadOnlyList<string> Keywords(string? json) =>
        json is null ? [] : JsonNode.Parse(json) is JsonArray a ? a.Select(k => k?.GetValue<string>() ?? "").ToList() : [];

    private static async Task UpdateAsync(SqliteConnection c, string where, string? answer, IReadOnlyList<string>? keywords, Action<SqliteCommand> bind, CancellationToken ct)
    {
        if (answer is null && keywords is null) return;
        await using var command = c.CreateCommand();
        command.CommandText = $"UPDATE chunks SET answer = COALESCE($answer, answer), keywords_json = COALESCE($keywords, keywords_json) WHERE {where}";
        command.Parameters.AddWithValue("$answer", (object?)answer ?? DBNull.Value);
        command.Parameters.AddWithValue("$keywords", keywords is null ? DBNull.Value : new JsonArray([.. keywords.Select(k => (JsonNode)k)]).ToJsonString());
        bind(command);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
