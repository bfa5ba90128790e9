using Dify.Knowledge.Storage;

namespace Dify.Knowledge.Index;

/// <summary>Dify's segment hit_count: +1 for each segment a retrieval returned (retrieve, hit-testing, knowledge-retrieval node).</summary>
internal static class SegmentHits
{
    public static async Task IncrementAsync(KnowledgeDatabase database, IEnumerable<(string DatasetId, string DocumentId, string SegmentId)> hits, CancellationToken ct)
    {
        var distinct = hits.Distinct().ToList();
        if (distinct.Count == 0) return;
        await using var lease = await database.WriteAsync(ct).ConfigureAwait(false);
        await lease.Connection.InTransactionAsync(async () =>
        {
            await using var command = lease.Connection.CreateCommand();
            command.CommandText = "UPDATE chunks SET hit_count = hit_count + 1 WHERE dataset_id = $dataset AND document_id = $doc AND segment_id = $segment AND kind <> 2";
            var dataset = command.Parameters.Add("$dataset", Microsoft.Data.Sqlite.SqliteType.Text);
            var document = command.Parameters.Add("$doc", Microsoft.Data.Sqlite.SqliteType.Text);
            var segment = command.Parameters.Add("$segment", Microsoft.Data.Sqlite.SqliteType.Text);
            foreach (var (d, doc, s) in distinct)
            {
                dataset.Value = d;
                document.Value = doc;
                segment.Value = s;
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }, ct).ConfigureAwait(false);
    }
}
