namespace Dify.Knowledge.Index;

/// <summary>
/// A chunk the ingestion just indexed, as the search view takes it: its row id, parent row (0 for none), text (for the
/// keyword index), vector ordinal in the dataset's model file (-1 for none) and vector (null for none).
/// </summary>
internal readonly record struct IndexedRow(long Id, long ParentId, string Content, long Ordinal, float[]? Vector);
