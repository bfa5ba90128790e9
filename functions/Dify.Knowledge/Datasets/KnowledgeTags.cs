using System.Text.Json.Nodes;

namespace Dify.Knowledge.Datasets;

/// <summary>A knowledge tag of the workspace.</summary>
public sealed record KnowledgeTag(string Id, string Name);

/// <summary>
/// Dify's knowledge tags: the workspace's tags (kept as one attribute row outside any dataset) and their bindings
/// (each dataset's attributes list its tag ids). Deleting a tag unbinds it everywhere. One edit at a time per store.
/// </summary>
public sealed class KnowledgeTags
{
    // dataset_id '' is never a dataset: the workspace's own row.
    private const string Workspace = "";
    private const string TagsRow = "#tags";
    private const string BindingKey = "tag_ids";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IKnowledgeAttributeStore _attributes;
    private readonly Func<CancellationToken, Task<IReadOnlyList<DatasetRecord>>> _listDatasets;

    /// <summary>The knowledge file's tags (the local host).</summary>
    public KnowledgeTags(KnowledgeAttributes attributes, DatasetStore datasets)
        : this(attributes, (datasets ?? throw new ArgumentNullException(nameof(datasets))).ListAsync)
    {
    }

    /// <summary>
    /// Tags over any attribute store and dataset list (the Azure composition: Table storage). The edit gate is this
    /// instance's: two instances editing the tag list at the same moment can lose one edit.
    /// </summary>
    public KnowledgeTags(IKnowledgeAttributeStore attributes, Func<CancellationToken, Task<IReadOnlyList<DatasetRecord>>> listDatasets)
    {
        _attributes = attributes ?? throw new ArgumentNullException(nameof(attributes));
        _listDatasets = listDatasets ?? throw new ArgumentNullException(nameof(listDatasets));
    }

    public async Task<IReadOnlyList<KnowledgeTag>> ListAsync(CancellationToken cancellationToken)
    {
        var row = await _attributes.GetAsync(Workspace, TagsRow, cancellationToken).ConfigureAwait(false) ?? [];
        return (row["tags"] as JsonArray ?? []).OfType<JsonObject>().Select(t => new KnowledgeTag(t["id"]!.GetValue<string>(), t["name"]!.GetValue<string>())).ToList();
    }

    /// <summary>The tag ids bound to a dataset, in binding order.</summary>
    public async Task<IReadOnlyList<string>> BoundAsync(string datasetId, CancellationToken cancellationToken)
    {
        var row = await _attributes.GetAsync(datasetId, null, cancellationToken).ConfigureAwait(false);
        return (row?[BindingKey] as JsonArray ?? []).Select(t => t!.GetValue<string>()).ToList();
    }

    /// <summary>The tags bound to a dataset, as Dify's dataset object lists them (bindings of deleted tags are skipped).</summary>
    public async Task<IReadOnlyList<KnowledgeTag>> DatasetTagsAsync(string datasetId, CancellationToken cancellationToken)
    {
        var all = (await ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(t => t.Id);
        return (await BoundAsync(datasetId, cancellationToken).ConfigureAwait(false)).Where(all.ContainsKey).Select(id => all[id]).ToList();
    }

    public Task<KnowledgeTag> CreateAsync(string name, CancellationToken cancellationToken) => EditAsync(tags =>
    {
        var tag = new KnowledgeTag(Guid.NewGuid().ToString(), name);
        tags.Add(tag);
        return tag;
    }, cancellationToken);

    /// <summary>Renames a tag; null when there is no such tag.</summary>
    public Task<KnowledgeTag?> RenameAsync(string tagId, string name, CancellationToken cancellationToken) => EditAsync(tags =>
    {
        var index = tags.FindIndex(t => t.Id == tagId);
        if (index < 0) return null;
        tags[index] = tags[index] with { Name = name };
        return tags[index];
    }, cancellationToken);

    /// <summary>Deletes a tag and its bindings; false when there is no such tag.</summary>
    public async Task<bool> DeleteAsync(string tagId, CancellationToken cancellationToken)
    {
        var removed = await EditAsync(tags => tags.RemoveAll(t => t.Id == tagId) > 0 ? (object)true : null, cancellationToken).ConfigureAwait(false);
        if (removed is null) return false;
        foreach (var dataset in await _listDatasets(cancellationToken).ConfigureAwait(false))
            await BindAsync(dataset.Id, [], [tagId], cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Adds <paramref name="add"/> and removes <paramref name="remove"/> from a dataset's tags (unknown tag ids are refused).</summary>
    public async Task BindAsync(string datasetId, IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken cancellationToken)
    {
        var known = (await ListAsync(cancellationToken).ConfigureAwait(false)).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        if (add.FirstOrDefault(id => !known.Contains(id)) is { } unknown) throw new KeyNotFoundException($"Tag {unknown} not found.");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var row = await _attributes.GetAsync(datasetId, null, cancellationToken).ConfigureAwait(false) ?? [];
            var bound = (row[BindingKey] as JsonArray ?? []).Select(t => t!.GetValue<string>()).ToList();
            var next = bound.Concat(add).Distinct(StringComparer.Ordinal).Where(id => !remove.Contains(id)).ToList();
            if (next.SequenceEqual(bound)) return;
            row[BindingKey] = new JsonArray([.. next.Select(id => (JsonNode)id)]);
            await _attributes.SetAsync(datasetId, null, row, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<T> EditAsync<T>(Func<List<KnowledgeTag>, T> edit, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var tags = (await ListAsync(ct).ConfigureAwait(false)).ToList();
            var result = edit(tags);
            var row = new JsonObject { ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)new JsonObject { ["id"] = t.Id, ["name"] = t.Name })]) };
            await _attributes.SetAsync(Workspace, TagsRow, row, ct).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }
}
