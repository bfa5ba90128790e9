using Dify.Knowledge.Datasets;
using Dify.Knowledge.Storage;
using Dify.Knowledge.Storage.Vectors;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Pipeline;

/// <summary>
/// Vectors for chunk contents, embedding only what the dataset's model file does not hold yet: <see cref="ResolveAsync"/>
/// finds or embeds a vector per distinct content hash (no lock held: it may run beside the writer), and
/// <see cref="Store"/>, on the write connection, gives each one its ordinal (appending the new ones) before the caller's
/// transaction points chunks at them and stages the file's commit.
/// </summary>
internal sealed class ChunkVectors(KnowledgeDatabase database, EmbeddingBatcher batcher)
{
    /// <param name="known">Vectors of the previous batch, which may not be written yet (null: none).</param>
    public async Task<Dictionary<byte[], float[]>> ResolveAsync(
        DatasetRecord dataset, IEnumerable<(byte[] Hash, string Content)> chunks, Dictionary<byte[], float[]>? known, CancellationToken ct)
    {
        var vectors = new Dictionary<byte[], float[]>(ContentHashComparer.Instance);
        VectorSet? set;
        await using (var read = await database.ReadAsync(ct).ConfigureAwait(false))
            set = await database.Vectors.FindAsync(read.Connection, dataset.EmbeddingKey, ct).ConfigureAwait(false);
        var missing = new List<(byte[] Hash, string Content)>();
        foreach (var (hash, content) in chunks)
        {
            if (vectors.ContainsKey(hash)) continue;
            if (known is not null && known.TryGetValue(hash, out var previous)) vectors[hash] = previous;
            else if (set is not null && set.TryFind(hash, out var ordinal))
            {
                var stored = new float[set.Dimensions];
                set.Read(ordinal, stored);
                vectors[hash] = stored;
            }
            else
            {
                vectors[hash] = [];
                missing.Add((hash, content));
            }
        }
        if (missing.Count > 0)
        {
            var embedded = await batcher.EmbedAsync(dataset.EmbeddingProvider, dataset.EmbeddingModel, missing.Select(m => m.Content).ToList(), ct).ConfigureAwait(false);
            for (var i = 0; i < missing.Count; i++) vectors[missing[i].Hash] = embedded[i];
        }
        return vectors;
    }

    /// <summary>
    /// The ordinal of every vector in the model's file, appending those it lacks (the file decides: content stored
    /// meanwhile by another document or the previous batch is not appended again). Call with the write lease held;
    /// then stage the returned set's commit in the transaction that uses the ordinals. Null set: nothing to store.
    /// </summary>
    public async Task<(VectorSet? Set, Dictionary<byte[], long> Ordinals)> StoreAsync(
        SqliteConnection writeConnection, DatasetRecord dataset, Dictionary<byte[], float[]> vectors, CancellationToken ct)
    {
        var ordinals = new Dictionary<byte[], long>(ContentHashComparer.Instance);
        if (vectors.Values.FirstOrDefault(v => v.Length > 0) is not { } sample) return (null, ordinals);
        var set = await database.Vectors.GetAsync(writeConnection, dataset.EmbeddingKey, sample.Length, ct).ConfigureAwait(false);
        var fresh = new List<(byte[] Hash, float[] Vector)>();
        foreach (var (hash, vector) in vectors)
        {
            if (set.TryFind(hash, out var ordinal)) ordinals[hash] = ordinal;
            else fresh.Add((hash, vector));
        }
        var appended = set.Append(fresh);
        for (var i = 0; i < fresh.Count; i++) ordinals[fresh[i].Hash] = appended[i];
        return (set, ordinals);
    }
}
