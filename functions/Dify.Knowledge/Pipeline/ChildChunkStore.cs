using Dify.Knowledge.Index;
using Dify.Knowledge.Storage;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Pipeline;

/// <summary>
/// The child chunks of a parent-child segment (Dify's child_chunks API): list, add, update, delete. Only the added or
/// changed child is embedded (the others keep their vectors); the edit holds the document's gate like segment edits.
/// </summary>
public sealed class ChildChunkStore
{
    private readonly KnowledgeDatabase _database;
    private readonly SqliteKnowledgeIndex _index;
    private readonly SegmentStore _segments;
    private readonly Func<string, string, CancellationToken, Task<SemaphoreSlim>> _gate;
    private readonly Func<string, string, CancellationToken, Task> _publish;

    internal ChildChunkStore(
        KnowledgeDatabase database, SqliteKnowledgeIndex index, SegmentStore segments, Func<string, string, CancellationToken, Task<SemaphoreSlim>> gate,
        Func<string, string, CancellationToken, Task> publish)
    {
        _publish = publish;
        _database = database;
        _index = index;
        _segments = segments;
        _gate = gate;
    }

    /// <summary>The segment's children in order; null when there is no such segment.</summary>
    public async Task<IReadOnlyList<ChildChunkRecord>?> ListAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken) =>
        (await _segments.GetAsync(datasetId, documentId, segmentId, cancellationToken).ConfigureAwait(false))?.ChildChunks;

    /// <summary>Appends a child after the last one and embeds it; null when there is no such segment.</summary>
    public Task<ChildChunkRecord?> AddAsync(string datasetId, string documentId, string segmentId, string content, CancellationToken cancellationToken) =>
        EditAsync(datasetId, documentId, segmentId, async (c, parentRow, enabled, ct) =>
        {
            await using var insert = c.CreateCommand();
            insert.CommandText = """
                INSERT INTO chunks(dataset_id, document_id, segment_id, position, child_position, parent_id, kind, content, content_hash, indexed, enabled, child_type)
                SELECT p.dataset_id, p.document_id, $segment || ':' || n.next, p.position, n.next, p.id, 2, $content, $hash, 0, p.enabled, $type
                FROM chunks p, (SELECT COALESCE(MAX(child_position), 0) + 1 AS next FROM chunks WHERE parent_id = $parent) n
                WHERE p.id = $parent
                RETURNING segment_id
                """;
            insert.Parameters.AddWithValue("$segment", segmentId);
            insert.Parameters.AddWithValue("$content", content);
            insert.Parameters.AddWithValue("$hash", ChunkRows.Hash(content));
            insert.Parameters.AddWithValue("$parent", parentRow);
            insert.Parameters.AddWithValue("$type", ChildChunkTypes.Customized);
            // A parent whose children are searched is not searched itself.
            await SetParentKindAsync(c, parentRow, ct).ConfigureAwait(false);
            return (string?)await insert.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Changes a child's content (re-embedding only that child); null when the segment or child does not exist.</summary>
    public Task<ChildChunkRecord?> UpdateAsync(string datasetId, string documentId, string segmentId, string childId, string content, CancellationToken cancellationToken) =>
        EditAsync(datasetId, documentId, segmentId, async (c, parentRow, _, ct) =>
        {
            var row = await ChildRowAsync(c, parentRow, childId, ct).ConfigureAwait(false);
            if (row == 0) return null;
            await using var update = c.CreateCommand();
            update.CommandText = "UPDATE chunks SET content = $content, content_hash = $hash, indexed = 0, embedding_id = NULL, child_type = $type WHERE id = $row";
            update.Parameters.AddWithValue("$type", ChildChunkTypes.Customized);
            update.Parameters.AddWithValue("$content", content);
            update.Parameters.AddWithValue("$hash", ChunkRows.Hash(content));
            update.Parameters.AddWithValue("$row", row);
            await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return childId;
        }, cancellationToken);

    /// <summary>Deletes a child; false when the segment or child does not exist.</summary>
    public async Task<bool> DeleteAsync(string datasetId, string documentId, string segmentId, string childId, CancellationToken cancellationToken)
    {
        var gate = await _gate(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        try
        {
            var (parentRow, _, _) = await _segments.FindAsync(datasetId, documentId, segmentId, cancellationToken).ConfigureAwait(false);
            if (parentRow == 0) return false;
            var deleted = false;
            await using (var lease = await _database.WriteAsync(cancellationToken).ConfigureAwait(false))
            {
                long row = 0;
                await lease.Connection.InTransactionAsync(async () =>
                {
                    row = await ChildRowAsync(lease.Connection, parentRow, childId, cancellationToken).ConfigureAwait(false);
                    if (row == 0) return;
                    await using var delete = lease.Connection.CreateCommand();
                    delete.CommandText = "DELETE FROM chunks WHERE id = $row";
                    delete.Parameters.AddWithValue("$row", row);
                    await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    deleted = true;
                }, cancellationToken).ConfigureAwait(false);
                if (deleted) await _index.RefreshRowsAsync(lease.Connection, datasetId, [row], cancellationToken).ConfigureAwait(false);
            }
            if (deleted) await _publish(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            return deleted;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ChildChunkRecord?> EditAsync(
        string datasetId, string documentId, string segmentId, Func<SqliteConnection, long, bool, CancellationToken, Task<string?>> edit, CancellationToken ct)
    {
        var gate = await _gate(datasetId, documentId, ct).ConfigureAwait(false);
        try
        {
            var context = await _segments.ContextAsync(datasetId, documentId, ct).ConfigureAwait(false);
            var (parentRow, _, enabled) = await _segments.FindAsync(datasetId, documentId, segmentId, ct).ConfigureAwait(false);
            if (parentRow == 0) return null;
            string? childId = null;
            await using (var lease = await _database.WriteAsync(ct).ConfigureAwait(false))
            {
                await lease.Connection.InTransactionAsync(async () => childId = await edit(lease.Connection, parentRow, enabled, ct).ConfigureAwait(false), ct)
                    .ConfigureAwait(false);
                // A segment that gained its first child is a parent now: it leaves the search view (its children are searched).
                await _index.RefreshRowsAsync(lease.Connection, datasetId, [parentRow], ct).ConfigureAwait(false);
            }
            if (childId is null) return null;
            // Only rows left unindexed by the edit are embedded: the one child.
            await _segments.IndexAsync(context, ct).ConfigureAwait(false);
            await _publish(datasetId, documentId, ct).ConfigureAwait(false);
            var children = await ListAsync(datasetId, documentId, segmentId, ct).ConfigureAwait(false);
            return children?.FirstOrDefault(c => c.Id == childId);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<long> ChildRowAsync(SqliteConnection c, long parentRow, string childId, CancellationToken ct)
    {
        await using var find = c.CreateCommand();
        find.CommandText = "SELECT id FROM chunks WHERE parent_id = $parent AND segment_id = $child AND kind = 2";
        find.Parameters.AddWithValue("$parent", parentRow);
        find.Parameters.AddWithValue("$child", childId);
        return await find.ExecuteScalarAsync(ct).ConfigureAwait(false) is long id ? id : 0;
    }

    /// <summary>A segment that gains its first child becomes a parent: out of the search view (its children are searched instead).</summary>
    private async Task SetParentKindAsync(SqliteConnection c, long parentRow, CancellationToken ct)
    {
        await using var probe = c.CreateCommand();
        probe.CommandText = "SELECT kind FROM chunks WHERE id = $row";
        probe.Parameters.AddWithValue("$row", parentRow);
        if ((long)(await probe.ExecuteScalarAsync(ct).ConfigureAwait(false))! == ChunkRows.KindParent) return;
        await using var update = c.CreateCommand();
        update.CommandText = "UPDATE chunks SET kind = $kind, indexed = 1 WHERE id = $row";
        update.Parameters.AddWithValue("$kind", ChunkRows.KindParent);
        update.Parameters.AddWithValue("$row", parentRow);
        await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
