using System.Text.Json.Nodes;
using Dify.Knowledge.Pipeline;

namespace Dify.Knowledge.Datasets;

/// <summary>A metadata field of a dataset: Dify's types are string, number and time (unix seconds).</summary>
public sealed record MetadataField(string Id, string Name, string Type);

/// <summary>A field's new value on a document (Dify's metadata_list entry).</summary>
public sealed record MetadataValue(string FieldId, JsonNode? Value);

/// <summary>A metadata edit refused, with Dify's message.</summary>
public sealed class MetadataException(string message, bool notFound = false) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}

/// <summary>
/// Dify's dataset metadata: field definitions (kept in the dataset's attributes), the built-in fields switch, and
/// per-document values (kept in the document's doc_metadata by field name, which is what retrieval's
/// metadata_filtering_conditions read). Renaming or deleting a field renames or removes its values in every document.
/// </summary>
public sealed class DatasetMetadata
{
    /// <summary>Dify's built-in fields, filled from the document itself while enabled.</summary>
    public static IReadOnlyList<(string Name, string Type)> BuiltInFields { get; } =
        [("document_name", "string"), ("uploader", "string"), ("upload_date", "time"), ("last_update_date", "time"), ("source", "string")];

    private const string FieldsKey = "metadata_fields";
    private const string BuiltInKey = "built_in_field_enabled";
    private readonly IKnowledgeAttributeStore _attributes;
    private readonly IDocumentMetadataStore _documents;
    // Field definitions are read-modified-written as one JSON attribute: one edit at a time per store.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The knowledge file's metadata (the local host).</summary>
    public DatasetMetadata(KnowledgeAttributes attributes, DocumentStore documents, DocumentEdits edits)
        : this(attributes, new KnowledgeFileDocumentMetadata(
            documents ?? throw new ArgumentNullException(nameof(documents)), edits ?? throw new ArgumentNullException(nameof(edits))))
    {
    }

    /// <summary>
    /// Metadata over any store (the Azure composition: Table storage and the search index). The edit gate is this
    /// instance's: two instances editing the same dataset's field list at the same moment can lose one edit.
    /// </summary>
    public DatasetMetadata(IKnowledgeAttributeStore attributes, IDocumentMetadataStore documents)
    {
        _attributes = attributes ?? throw new ArgumentNullException(nameof(attributes));
        _documents = documents ?? throw new ArgumentNullException(nameof(documents));
    }

    public async Task<(IReadOnlyList<MetadataField> Fields, bool BuiltInEnabled)> ListAsync(string datasetId, CancellationToken cancellationToken)
    {
        var attributes = await _attributes.GetAsync(datasetId, null, cancellationToken).ConfigureAwait(false) ?? [];
        return (Fields(attributes), attributes[BuiltInKey]?.GetValue<bool>() ?? false);
    }

    public Task<MetadataField> CreateAsync(string datasetId, string name, string type, CancellationToken cancellationToken) =>
        EditFieldsAsync(datasetId, fields =>
        {
            CheckName(name, fields);
            if (type is not ("string" or "number" or "time")) throw new MetadataException($"Invalid metadata type '{type}': use string, number or time.");
            var field = new MetadataField(Guid.NewGuid().ToString(), name, type);
            fields.Add(field);
            return (field, null);
        }, cancellationToken);

    public Task<MetadataField> RenameAsync(string datasetId, string fieldId, string name, CancellationToken cancellationToken) =>
        EditFieldsAsync(datasetId, fields =>
        {
            var index = fields.FindIndex(f => f.Id == fieldId);
            if (index < 0) throw new MetadataException("Metadata not found.", notFound: true);
            var old = fields[index];
            if (old.Name != name) CheckName(name, fields);
            fields[index] = old with { Name = name };
            return (fields[index], metadata =>
            {
                if (!metadata.Remove(old.Name, out var value)) return false;
                metadata[name] = value;
                return true;
            });
        }, cancellationToken);

    public Task<MetadataField> DeleteAsync(string datasetId, string fieldId, CancellationToken cancellationToken) =>
        EditFieldsAsync(datasetId, fields =>
        {
            var field = fields.Find(f => f.Id == fieldId) ?? throw new MetadataException("Metadata not found.", notFound: true);
            fields.Remove(field);
            return (field, metadata => metadata.Remove(field.Name));
        }, cancellationToken);

    /// <summary>Turns the built-in fields on (every document gains their values) or off (they are removed).</summary>
    public async Task SetBuiltInAsync(string datasetId, bool enabled, IReadOnlyDictionary<string, JsonObject> documentAttributes, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var attributes = await _attributes.GetAsync(datasetId, null, cancellationToken).ConfigureAwait(false) ?? [];
            attributes[BuiltInKey] = enabled;
            await _attributes.SetAsync(datasetId, null, attributes, cancellationToken).ConfigureAwait(false);
            foreach (var document in await _documents.ListAsync(datasetId, cancellationToken).ConfigureAwait(false))
            {
                var metadata = (JsonObject?)document.Metadata?.DeepClone() ?? [];
                foreach (var (name, _) in BuiltInFields) metadata.Remove(name);
                if (enabled) AddBuiltIns(metadata, document, documentAttributes.GetValueOrDefault(document.Id));
                await _documents.SetMetadataAsync(datasetId, document.Id, metadata, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Replaces a document's values with <paramref name="values"/> (Dify's update_documents_metadata), keeping the
    /// built-in fields while they are enabled. Null when the document does not exist.
    /// </summary>
    public async Task<DocumentRecord?> SetValuesAsync(
        string datasetId, string documentId, IReadOnlyList<MetadataValue> values, JsonObject? documentAttributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        var (fields, builtIn) = await ListAsync(datasetId, cancellationToken).ConfigureAwait(false);
        var document = await _documents.GetAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        if (document is null) return null;
        var metadata = new JsonObject();
        foreach (var value in values)
        {
            var field = fields.FirstOrDefault(f => f.Id == value.FieldId) ?? throw new MetadataException($"Metadata {value.FieldId} not found.", notFound: true);
            metadata[field.Name] = Coerce(field, value.Value);
        }
        if (builtIn) AddBuiltIns(metadata, document, documentAttributes);
        return await _documents.SetMetadataAsync(datasetId, documentId, metadata, cancellationToken).ConfigureAwait(false);
    }

    private async Task<MetadataField> EditFieldsAsync(
        string datasetId, Func<List<MetadataField>, (MetadataField Field, Func<JsonObject, bool>? Rewrite)> edit, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var attributes = await _attributes.GetAsync(datasetId, null, ct).ConfigureAwait(false) ?? [];
            var fields = Fields(attributes).ToList();
            var (field, rewrite) = edit(fields);
            attributes[FieldsKey] = new JsonArray([.. fields.Select(f => (JsonNode)new JsonObject { ["id"] = f.Id, ["name"] = f.Name, ["type"] = f.Type })]);
            await _attributes.SetAsync(datasetId, null, attributes, ct).ConfigureAwait(false);
            if (rewrite is null) return field;
            foreach (var document in await _documents.ListAsync(datasetId, ct).ConfigureAwait(false))
            {
                if (document.Metadata?.DeepClone() is not JsonObject metadata || !rewrite(metadata)) continue;
                await _documents.SetMetadataAsync(datasetId, document.Id, metadata, ct).ConfigureAwait(false);
            }
            return field;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void CheckName(string name, List<MetadataField> fields)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new MetadataException("Metadata name is required.");
        if (name.Length > 255) throw new MetadataException("Metadata name cannot exceed 255 characters.");
        if (BuiltInFields.Any(b => b.Name == name)) throw new MetadataException("Metadata name already exists in Built-in fields.");
        if (fields.Any(f => f.Name == name)) throw new MetadataException("Metadata name already exists.");
    }

    /// <summary>Numbers and times are stored as numbers so that =, &gt;, before and after compare them as such.</summary>
    private static JsonNode? Coerce(MetadataField field, JsonNode? value)
    {
        if (value is null) return null;
        if (field.Type is "number" or "time" && value is JsonValue v && v.TryGetValue<string>(out var text) && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var number))
            return number % 1 == 0 ? JsonValue.Create((long)number) : JsonValue.Create(number);
        return value.DeepClone();
    }

    private static void AddBuiltIns(JsonObject metadata, DocumentRecord document, JsonObject? attributes)
    {
        metadata["document_name"] = document.Name;
        metadata["uploader"] = attributes?["created_by"]?.GetValue<string>() ?? "";
        metadata["upload_date"] = document.CreatedAt;
        metadata["last_update_date"] = document.CompletedAt ?? document.CreatedAt;
        metadata["source"] = (attributes?["data_source_type"]?.GetValue<string>() ?? "upload_file") switch
        {
            "upload_file" => "file_upload",
            "notion_import" => "notion",
            "website_crawl" => "website",
            var other => other,
        };
    }

    private static List<MetadataField> Fields(JsonObject attributes) =>
        (attributes[FieldsKey] as JsonArray ?? []).OfType<JsonObject>()
            .Select(f => new MetadataField(f["id"]!.GetValue<string>(), f["name"]!.GetValue<string>(), f["type"]!.GetValue<string>())).ToList();
}
