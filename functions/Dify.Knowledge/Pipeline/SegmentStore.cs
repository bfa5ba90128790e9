using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline.Steps;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Pipeline;

/// <summary>
/// Reads and edits the segments of ingested documents (Dify's segment API): list, add, update content or enabled,
/// delete. New and changed content is embedded and indexed before the call returns; for parent-child documents the
/// child chunks are regenerated with the document's subchunk rule. Edits hold the document's gate, so they never race
/// its ingestion, and refresh the document's segment and word counts.
/// </summary>
public sealed class SegmentStore
{
    private readonly KnowledgeDatabase _database;
    private readonly SqliteKnowledgeIndex _index;
    private readonly IndexStep _indexStep;
    private readonly DocumentStore _documents;
    private readonly IngestionOptions _options;
    private readonly Func<string, string, CancellationToken, Task<SemaphoreSlim>> _gate;
    private readonly Func<string, string, CancellationToken, Task> _publish;

    internal SegmentStore(
        KnowledgeDatabase database, SqliteKnowledgeIndex index, IndexStep indexStep, DocumentStore documents, IngestionOptions options,
        Func<string, string, CancellationToken, Task<SemaphoreSlim>> gate, Func<string, string, CancellationToken, Task> publish)
    {
        _publish = publish;
        _database = database;
        _index = index;
        _indexStep = indexStep;
        _documents = documents;
        _options = options;
        _gate = gate;
    }

    public async Task<IReadOnlyList<SegmentRecord>> ListAsync(string datasetId, string documentId, CancellationToken cancellationToken)
    {
        await using var lease = await _database.ReadAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(lease.Connection, datasetId, documentId, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SegmentRecord?> GetAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken)
    {
        await using var lease = await _database.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadAsync(lease.Connection, datasetId, documentId, segmentId, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <summary>Appends segments after the last one. Throws <see cref="InvalidOperationException"/> unless the document is completed.</summary>
    public Task<IReadOnlyList<SegmentRecord>> AddAsync(string datasetId, string documentId, IReadOnlyList<string> contents, CancellationToken cancellationToken) =>
        AddAsync(datasetId, documentId, contents.Select(c => new SegmentDraft(c)).ToList(), cancellationToken);

    /// <summary>Appends segments (with answers and keywords) after the last one. Throws <see cref="InvalidOperationException"/> unless the document is completed.</summary>
    public async Task<IReadOnlyList<SegmentRecord>> AddAsync(string datasetId, string documentId, IReadOnlyList<SegmentDraft> drafts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        var gate = await _gate(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        try
        {
            var context = await ContextAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            var positions = new List<int>();
            await using (var lease = await _database.WriteAsync(cancellationToken).ConfigureAwait(false))
            {
                await lease.Connection.InTransactionAsync(async () =>
                {
                    var next = await ScalarAsync(lease.Connection, "SELECT COALESCE(MAX(position), 0) + 1 FROM chunks WHERE dataset_id = $dataset AND document_id = $doc",
                        datasetId, documentId, cancellationToken).ConfigureAwait(false);
                    await using var writer = await ChunkRows.Writer.OpenAsync(lease.Connection, datasetId, documentId, cancellationToken).ConfigureAwait(false);
                    foreach (var draft in drafts)
                    {
                        var position = (int)next++;
                        await writer.AddAsync(new ChunkDraft(position, draft.Content, Children(context.Rule, draft.Content)), cancellationToken).ConfigureAwait(false);
                        positions.Add(position);
                    }
                    await writer.DisposeAsync().ConfigureAwait(false);
                    for (var i = 0; i < drafts.Count; i++)
                        await SegmentExtras.SetAsync(lease.Connection, datasetId, documentId, positions[i], drafts[i].Answer, drafts[i].Keywords, cancellationToken).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
            }
            await IndexAsync(context, cancellationToken).ConfigureAwait(false);
            await _publish(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            var all = await ListAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            return all.Where(s => positions.Contains(s.Position)).ToList();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Changes a segment's content (re-embedded) and/or enabled flag; null when there is no such segment.</summary>
    public Task<SegmentRecord?> UpdateAsync(string datasetId, string documentId, string segmentId, string? content, bool? enabled, CancellationToken cancellationToken) =>
        UpdateAsync(datasetId, documentId, segmentId, new SegmentEdit(content, enabled), cancellationToken);

    /// <summary>Changes a segment's content (re-embedded), enabled flag, answer and keywords; null when there is no such segment.</summary>
    public async Task<SegmentRecord?> UpdateAsync(string datasetId, string documentId, string segmentId, SegmentEdit edit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var (content, enabled) = (edit.Content, edit.Enabled);
        var gate = await _gate(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        try
        {
            var context = await ContextAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            var (rowId, oldContent, oldEnabled) = await FindAsync(datasetId, documentId, segmentId, cancellationToken).ConfigureAwait(false);
            if (rowId == 0) return null;
            var changed = content is not null && content != oldContent;
            await using (var lease = await _database.WriteAsync(cancellationToken).ConfigureAwait(false))
            {
                var c = lease.Connection;
                var rows = await FamilyAsync(c, rowId, cancellationToken).ConfigureAwait(false);
                await c.InTransactionAsync(async () =>
                {
                    var isEnabled = enabled ?? oldEnabled;
                    if (changed)
                    {
                        await ExecuteAsync(c, "DELETE FROM chunks WHERE parent_id = $row", rowId, cancellationToken).ConfigureAwait(false);
                        var children = Children(context.Rule, content!);
                        await using (var update = c.CreateCommand())
                        {
                            update.CommandText = "UPDATE chunks SET content = $content, content_hash = $hash, kind = $kind, indexed = $indexed, embedding_id = NULL WHERE id = $row";
                            update.Parameters.AddWithValue("$content", content);
                            update.Parameters.AddWithValue("$hash", ChunkRows.Hash(content!));
                            update.Parameters.AddWithValue("$kind", children.Count > 0 ? ChunkRows.KindParent : ChunkRows.KindSegment);
                            update.Parameters.AddWithValue("$indexed", children.Count > 0 ? 1 : 0);
                            update.Parameters.AddWithValue("$row", rowId);
                            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                        await InsertChildrenAsync(c, segmentId, rowId, children, isEnabled, cancellationToken).ConfigureAwait(false);
                    }
                    if (enabled is { } e)
                    {
                        await using var toggle = c.CreateCommand();
                        toggle.CommandText = "UPDATE chunks SET enabled = $enabled WHERE id = $row OR parent_id = $row";
                        toggle.Parameters.AddWithValue("$enabled", e ? 1 : 0);
                        toggle.Parameters.AddWithValue("$row", rowId);
                        await toggle.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                    if (edit.Answer is not null || edit.Keywords is not null)
                        await SegmentExtras.SetAsync(c, rowId, edit.Answer, edit.Keywords, cancellationToken).ConfigureAwait(false);
                    await RefreshCountsAsync(c, datasetId, documentId, cancellationToken).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                rows.UnionWith(await FamilyAsync(c, rowId, cancellationToken).ConfigureAwait(false));
                await _index.RefreshRowsAsync(c, datasetId, rows, cancellationToken).ConfigureAwait(false);
            }
            if (changed) await IndexAsync(context, cancellationToken).ConfigureAwait(false);
            await _publish(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            return await GetAsync(datasetId, documentId, segmentId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Deletes a segment and its child chunks; false when there is no such segment.</summary>
    public async Task<bool> DeleteAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken)
    {
        var gate = await _gate(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        try
        {
            var (rowId, _, _) = await FindAsync(datasetId, documentId, segmentId, cancellationToken).ConfigureAwait(false);
            if (rowId == 0) return false;
            await using (var lease = await _database.WriteAsync(cancellationToken).ConfigureAwait(false))
            {
                var rows = await FamilyAsync(lease.Connection, rowId, cancellationToken).ConfigureAwait(false);
                await lease.Connection.InTransactionAsync(async () =>
                {
                    await ExecuteAsync(lease.Connection, "DELETE FROM chunks WHERE id = $row OR parent_id = $row", rowId, cancellationToken).ConfigureAwait(false);
                    await RefreshCountsAsync(lease.Connection, datasetId, documentId, cancellationToken).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                await _index.RefreshRowsAsync(lease.Connection, datasetId, rows, cancellationToken).ConfigureAwait(false);
            }
            await _publish(datasetId, documentId, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    internal async Task<IngestionContext> ContextAsync(string datasetId, string documentId, CancellationToken ct)
    {
        var dataset = await _index.Datasets.GetAsync(datasetId, ct).ConfigureAwait(false)
                      ?? throw new ArgumentException($"Dataset '{datasetId}' does not exist.", nameof(datasetId));
        var document = await _documents.GetAsync(datasetId, documentId, ct).ConfigureAwait(false)
                       ?? throw new ArgumentException($"Document '{documentId}' does not exist.", nameof(documentId));
        if (document.Status != DocumentStatus.Completed) throw new InvalidOperationException("Document is not completed.");
        var rule = ProcessRuleJson.Parse(document.ProcessRule);
        return new IngestionContext(dataset, documentId, document.Name, rule, new DocumentChunker(rule, _options.Chunker), null);
    }

    /// <summary>Embeds and indexes the document's pending chunks, then counts every segment as completed.</summary>
    internal async Task IndexAsync(IngestionContext context, CancellationToken ct)
    {
        await _indexStep.RunAsync(context, ct).ConfigureAwait(false);
        await using var lease = await _database.WriteAsync(ct).ConfigureAwait(false);
        await RefreshCountsAsync(lease.Connection, context.Dataset.Id, context.DocumentId, ct).ConfigureAwait(false);
    }

    /// <summary>Child chunks of a parent-child document's segment (none for other documents).</summary>
    private IReadOnlyList<string> Children(ProcessRule rule, string content)
    {
        if (rule is not { Mode: ProcessRuleMode.Hierarchical, SubchunkSegmentation: { } sub }) return [];
        var children = new DocumentChunker(ProcessRule.Custom(sub.Separator, sub.MaxTokens, sub.ChunkOverlap, CleaningRules.None), _options.Chunker);
        return children.Chunk(content).Select(d => d.Content).ToList();
    }

    internal async Task<(long RowId, string Content, bool Enabled)> FindAsync(string datasetId, string documentId, string segmentId, CancellationToken ct)
    {
        await using var lease = await _database.ReadAsync(ct).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = "SELECT id, content, enabled FROM chunks WHERE dataset_id = $dataset AND document_id = $doc AND segment_id = $segment AND kind <> 2";
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$doc", documentId);
        command.Parameters.AddWithValue("$segment", segmentId);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false)
            ? (reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2) != 0)
            : (0, "", false);
    }

    private static async Task<IReadOnlyList<SegmentRecord>> ReadAsync(SqliteConnection connection, string datasetId, string documentId, string? segmentId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        var filter = segmentId is null ? "" : """
             AND (segment_id = $segment OR parent_id IN (SELECT id FROM chunks WHERE dataset_id = $dataset AND document_id = $doc AND segment_id = $segment))
            """;
        command.CommandText = $"""
            SELECT id, segment_id, position, child_position, COALESCE(parent_id, 0), kind, content, content_hash, indexed, enabled,
                keywords_json, answer, hit_count, child_type
            FROM chunks WHERE dataset_id = $dataset AND document_id = $doc{filter} ORDER BY position, child_position, id
            """;
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$doc", documentId);
        if (segmentId is not null) command.Parameters.AddWithValue("$segment", segmentId);
        var segments = new List<(long Row, SegmentRecord Segment, List<ChildChunkRecord> Children)>();
        var byRow = new Dictionary<long, List<ChildChunkRecord>>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var hash = Convert.ToHexStringLower((byte[])reader.GetValue(7));
            var indexed = reader.GetInt64(8) != 0;
            if (reader.GetInt32(5) == ChunkRows.KindChild)
            {
                if (byRow.TryGetValue(reader.GetInt64(4), out var list))
                    list.Add(new ChildChunkRecord(reader.GetString(1), reader.GetInt32(3), reader.GetString(6), hash, indexed, reader.GetString(13)));
                continue;
            }
            var children = new List<ChildChunkRecord>();
            byRow[reader.GetInt64(0)] = children;
            segments.Add((reader.GetInt64(0), new SegmentRecord(reader.GetString(1), documentId, reader.GetInt32(2), reader.GetString(6), hash, indexed,
                reader.GetInt64(9) != 0, children, SegmentExtras.Keywords(reader.IsDBNull(10) ? null : reader.GetString(10)),
                reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetInt32(12)), children));
        }
        // A parent is indexed when its children are.
        return segments.Select(s => s.Children.Count > 0 ? s.Segment with { Indexed = s.Children.All(c => c.Indexed) } : s.Segment).ToList();
    }

    private static async Task InsertChildrenAsync(
        SqliteConnection c, string segmentId, long parentRow, IReadOnlyList<string> children, bool enabled, CancellationToken ct)
    {
        if (children.Count == 0) return;
        await using var insert = c.CreateCommand();
        insert.CommandText = """
            INSERT INTO chunks(dataset_id, document_id, segment_id, position, child_position, parent_id, kind, content, content_hash, indexed, enabled)
            SELECT dataset_id, document_id, $segment, position, $child, id, 2, $content, $hash, 0, $enabled FROM chunks WHERE id = $parent
            """;
        var segment = insert.Parameters.Add("$segment", SqliteType.Text);
        var child = insert.Parameters.Add("$child", SqliteType.Integer);
        var content = insert.Parameters.Add("$content", SqliteType.Text);
        var hash = insert.Parameters.Add("$hash", SqliteType.Blob);
        insert.Parameters.AddWithValue("$parent", parentRow);
        insert.Parameters.AddWithValue("$enabled", enabled ? 1 : 0);
        for (var i = 0; i < children.Count; i++)
        {
            segment.Value = $"{segmentId}:{i + 1}";
            child.Value = i + 1;
            content.Value = children[i];
            hash.Value = ChunkRows.Hash(children[i]);
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>The row ids of a segment and its children (what an edit of the segment may change in the search view).</summary>
    private static async Task<HashSet<long>> FamilyAsync(SqliteConnection c, long rowId, CancellationToken ct)
    {
        var ids = new HashSet<long>();
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT id FROM chunks WHERE id = $row OR parent_id = $row";
        command.Parameters.AddWithValue("$row", rowId);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private static async Task RefreshCountsAsync(SqliteConnection c, string datasetId, string documentId, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.CommandText = """
            UPDATE documents SET
                total_segments = (SELECT COUNT(*) FROM chunks WHERE dataset_id = $dataset AND document_id = $doc AND kind <> 2),
                completed_segments = (SELECT COUNT(*) FROM chunks WHERE dataset_id = $dataset AND document_id = $doc AND kind <> 2),
                word_count = (SELECT COALESCE(SUM(length(content)), 0) FROM chunks WHERE dataset_id = $dataset AND document_id = $doc AND kind <> 2),
                updated_at = $now
            WHERE dataset_id = $dataset AND id = $doc
            """;
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$doc", documentId);
        command.Parameters.AddWithValue("$now", DocumentStore.Now());
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<long> ScalarAsync(SqliteConnection c, string sql, string datasetId, string documentId, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$doc", documentId);
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(SqliteConnection c, string sql, long rowId, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$row", rowId);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
