using Dify.Knowledge.Index.Keywords;
using Dify.Knowledge.Storage.Vectors;

namespace Dify.Knowledge.Index;

/// <summary>
/// Everything a search of one dataset reads in memory: the int8 vector view with each chunk's document, parent and
/// vector ordinal (<see cref="DatasetVectors"/>), the BM25 keyword index over the same chunks (<see cref="KeywordIndex"/>),
/// and the model's vector file for exact rescoring (null when the dataset has no vectors yet). Loaded once from the
/// knowledge file, then kept current by the writers.
/// </summary>
internal sealed class DatasetView(VectorSet? vectorFile)
{
    public DatasetVectors Vectors { get; } = new(0);

    public KeywordIndex Keywords { get; } = new();

    /// <summary>Set when the first vector of a dataset that had none is written.</summary>
    public VectorSet? VectorFile { get; set; } = vectorFile;

    public void Add(in IndexedRow row, string documentId)
    {
        Vectors.Add(row.Id, documentId, row.ParentId, row.Vector ?? [], row.Ordinal);
        Keywords.Add(row.Id, row.Content);
    }

    public void Remove(long id)
    {
        Vectors.Remove(id);
        Keywords.Remove(id);
    }

    public void RemoveDocument(string documentId)
    {
        foreach (var id in Vectors.RemoveDocument(documentId)) Keywords.Remove(id);
    }
}
