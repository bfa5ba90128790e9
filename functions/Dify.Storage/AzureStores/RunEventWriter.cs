using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;

namespace Dify.Storage.AzureStores;

/// <summary>Commits one run's new events (see <see cref="TableRunEventLog"/>); keeps each run's sequence and keys cached while its ETag holds.</summary>
internal sealed class RunEventWriter(AzureStoreAccount account)
{
    internal sealed record NewEvent(string Key, string Event, string Data, DateTimeOffset CreatedAt);

    private sealed class RunState
    {
        public long Last;
        public ETag MetaETag;
        public bool MetaExists;
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }

    private const string MetaRow = "meta";
    private const int InlineChars = LargeText.PartChars;
    private readonly string _table = account.RunEventsTable;
    private readonly ConcurrentDictionary<string, RunState> _states = new(StringComparer.Ordinal);

    public static string EventRow(long seq) => "e|" + TableKeys.Number(seq);
    private static string KeyRow(string key) => "k|" + TableKeys.Escape(key);

    public async Task WriteAsync(string runId, IReadOnlyList<NewEvent> events, int maxAttempts, int perTransaction)
    {
        var partition = TableKeys.Escape(runId);
        var distinct = events.DistinctBy(e => e.Key, StringComparer.Ordinal).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var state = _states.TryGetValue(runId, out var cached) ? cached : await LoadAsync(partition).ConfigureAwait(false);
            _states[runId] = state;
            if (_states.Count > 10_000) _states.Clear();
            try
            {
                foreach (var chunk in distinct.Where(e => !state.Keys.Contains(KeyRow(e.Key))).Chunk(perTransaction))
                {
                    await CommitAsync(runId, partition, state, chunk).ConfigureAwait(false);
                }
                return;
            }
            catch (StorageRequestException e) when (e.Status is 409 or 412 && attempt < maxAttempts)
            {
                _states.TryRemove(runId, out _); // another process wrote to this run: reload sequence and keys
                await Contention.BackOffAsync(attempt, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task CommitAsync(string runId, string partition, RunState state, NewEvent[] chunk)
    {
        var tx = new TableTransaction(_table, partition);
        var meta = new TableEntity(partition, MetaRow) { { "Last", state.Last + chunk.Length } };
        if (state.MetaExists) tx.Update(meta, state.MetaETag);
        else tx.Insert(meta);
        var seq = state.Last;
        foreach (var e in chunk)
        {
            seq++;
            var row = new TableEntity(partition, EventRow(seq)) { { "Seq", seq }, { "Key", e.Key }, { "Event", e.Event }, { "CreatedAt", e.CreatedAt } };
            if (e.Data.Length <= InlineChars) row["Data"] = e.Data;
            else row["DataBlob"] = await SpillAsync(runId, e).ConfigureAwait(false);
            tx.Insert(row);
            tx.Insert(new TableEntity(partition, KeyRow(e.Key)) { { "Seq", seq } });
        }
        var etags = await account.Transactions.SubmitAsync(tx, CancellationToken.None).ConfigureAwait(false);
        state.Last = seq;
        state.MetaExists = true;
        state.MetaETag = etags[0];
        foreach (var e in chunk) state.Keys.Add(KeyRow(e.Key));
        if (state.MetaETag == default) _states.TryRemove(runId, out _);
    }

    private async Task<string> SpillAsync(string runId, NewEvent e)
    {
        var name = Hash(runId) + "/" + Hash(e.Key) + ".json";
        await account.Blobs.PutAsync(account.Options.RunEventsContainer, name, BinaryData.FromString(e.Data), new Dify.Storage.Azure.Blobs.BlobPutOptions { ContentType = "application/json" }).ConfigureAwait(false);
        return name;
    }

    private async Task<RunState> LoadAsync(string partition)
    {
        var state = new RunState();
        var meta = await account.Tables.GetAsync(_table, partition, MetaRow).ConfigureAwait(false);
        if (meta is not null)
        {
            state.MetaExists = true;
            state.MetaETag = meta.ETag;
            state.Last = meta.GetInt64("Last") ?? 0;
            var keys = await account.Tables.ListAsync(_table, TableKeys.PrefixFilter(partition, "k|"), CancellationToken.None, ["RowKey"]).ConfigureAwait(false);
            foreach (var key in keys) state.Keys.Add(key.RowKey);
        }
        return state;
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
}
