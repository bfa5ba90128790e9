using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ETag = Azure.ETag;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;
using Dify.Storage.Conversations;
using static Dify.Storage.AzureStores.ConversationRows;

namespace Dify.Storage.AzureStores;

/// <summary>
/// Conversations, messages and conversation variables in table <c>conversations</c> (layout: <see cref="ConversationRows"/>).
/// Creating a conversation, adding a message and completing a turn are each one entity group transaction on the
/// user's partition, guarded by the conversation row's ETag (optimistic concurrency, retried). Pointer rows are written
/// before the transaction they point into, so a pointer whose row is missing simply reads as "not found".
/// It is also the <see cref="IConversationVariableWriter"/> of the Service API (one variable, ETag-guarded).
/// </summary>
public sealed class TableConversationStore(AzureStoreAccount account) : IConversationStore, IConversationVariableWriter
{
    private readonly TableStoreClient _tables = account.Tables;
    private readonly TableTransactionClient _transactions = account.Transactions;
    private readonly string _table = account.ConversationsTable;
    private readonly ConcurrentDictionary<string, string> _partitions = new(StringComparer.Ordinal);

    public async Task CreateAsync(ConversationRecord conversation, IReadOnlyList<ConversationVariableRecord> variables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(variables);
        var partition = UserPartition(conversation.AppId, conversation.EndUserId);
        await _tables.InsertAsync(_table, new TableEntity(ConversationPointer(conversation.Id), "") { { "Partition", partition } }, cancellationToken).ConfigureAwait(false);
        var rows = variables.Select((v, i) => ToEntity(partition, v with { ConversationId = conversation.Id }, i)).ToList();
        rows.Add(ToEntity(partition, conversation, 0)); // last: with more than 100 rows, the conversation appears only once its variables are there
        foreach (var chunk in rows.Chunk(TableTransaction.MaxOperations))
        {
            var tx = new TableTransaction(_table, partition);
            foreach (var row in chunk) tx.Insert(row);
            await _transactions.SubmitAsync(tx, cancellationToken).ConfigureAwait(false);
        }
        _partitions[conversation.Id] = partition;
    }

    public async Task<ConversationRecord?> GetAsync(string appId, string endUserId, string id, CancellationToken cancellationToken)
    {
        var row = await _tables.GetAsync(_table, UserPartition(appId, endUserId), ConversationRow(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToConversation(row);
    }

    public async Task<Page<ConversationRecord>?> ListAsync(string appId, string endUserId, string? lastId, int limit, string sortBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sortBy);
        var rows = await _tables.ListAsync(_table, TableKeys.PrefixFilter(UserPartition(appId, endUserId), ConversationPrefix), cancellationToken).ConfigureAwait(false);
        var byCreated = sortBy.TrimStart('-') == "created_at";
        Func<ConversationRecord, DateTimeOffset> key = byCreated ? c => c.CreatedAt : c => c.UpdatedAt;
        var all = rows.Select(ToConversation);
        var sorted = (sortBy.StartsWith('-')
            ? all.OrderByDescending(key).ThenByDescending(c => c.Id, StringComparer.Ordinal)
            : all.OrderBy(key).ThenBy(c => c.Id, StringComparer.Ordinal)).ToList();
        var start = 0;
        if (lastId is not null)
        {
            var at = sorted.FindIndex(c => c.Id == lastId);
            if (at < 0) return null;
            start = at + 1;
        }
        var items = sorted.Skip(start).Take(limit).ToList();
        return new Page<ConversationRecord>(items, sorted.Count > start + limit);
    }

    public async Task<bool> DeleteAsync(string appId, string endUserId, string id, CancellationToken cancellationToken)
    {
        var partition = UserPartition(appId, endUserId);
        if (!await _tables.DeleteIfExistsAsync(_table, partition, ConversationRow(id), cancellationToken: cancellationToken).ConfigureAwait(false)) return false;
        var messages = await _tables.ListAsync(_table, TableKeys.PrefixFilter(partition, MessagePrefix(id)), cancellationToken, ["RowKey", "Id"]).ConfigureAwait(false);
        var variables = await _tables.ListAsync(_table, TableKeys.PrefixFilter(partition, VariablePrefix(id)), cancellationToken, ["RowKey"]).ConfigureAwait(false);
        foreach (var chunk in messages.Concat(variables).Chunk(TableTransaction.MaxOperations))
        {
            var tx = new TableTransaction(_table, partition);
            foreach (var row in chunk) tx.Delete(row.RowKey);
            await _transactions.SubmitAsync(tx, cancellationToken).ConfigureAwait(false);
        }
        foreach (var message in messages)
        {
            await _tables.DeleteIfExistsAsync(_table, MessagePointer(message.GetString("Id")!), "", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        await _tables.DeleteIfExistsAsync(_table, ConversationPointer(id), "", cancellationToken: cancellationToken).ConfigureAwait(false);
        _partitions.TryRemove(id, out _);
        return true;
    }

    public async Task<bool> RenameAsync(string appId, string endUserId, string id, string name, CancellationToken cancellationToken)
    {
        try
        {
            await _tables.UpdateAsync(_table, new TableEntity(UserPartition(appId, endUserId), ConversationRow(id)) { { "Name", name } }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task AddMessageAsync(MessageRecord message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var partition = await PartitionAsync(message.ConversationId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Conversation '{message.ConversationId}' does not exist.");
        for (var attempt = 1; ; attempt++)
        {
            var conversation = await _tables.GetAsync(_table, partition, ConversationRow(message.ConversationId), cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Conversation '{message.ConversationId}' does not exist.");
            var seq = (conversation.GetInt64("MessageSeq") ?? 0) + 1;
            var rowKey = MessageRow(message.ConversationId, message.CreatedAt, seq);
            // The pointer goes first and names the row this attempt will insert; a retry rewrites it.
            await _tables.UpsertAsync(_table, new TableEntity(MessagePointer(message.Id), "")
            {
                { "Partition", partition }, { "Row", rowKey }, { "ConversationId", message.ConversationId },
            }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            var touch = new TableEntity(partition, conversation.RowKey) { { "MessageSeq", seq }, { "UpdatedAt", Max(conversation.GetDateTimeOffset("UpdatedAt"), message.CreatedAt) } };
            var tx = new TableTransaction(_table, partition).Update(touch, conversation.ETag, TableUpdateMode.Merge).Insert(ToEntity(partition, rowKey, message));
            try
            {
                await _transactions.SubmitAsync(tx, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StorageRequestException e) when (e.Status == 412 && attempt < Contention.MaxAttempts)
            {
                // Another writer added a message or touched the conversation: take the next sequence number.
                await Contention.BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<MessageRecord?> GetMessageAsync(string id, CancellationToken cancellationToken)
    {
        var row = await FindMessageAsync(id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToMessage(row);
    }

    public async Task<Page<MessageRecord>?> ListMessagesAsync(string conversationId, string? firstId, int limit, CancellationToken cancellationToken)
    {
        var partition = await PartitionAsync(conversationId, cancellationToken).ConfigureAwait(false);
        string? after = null;
        if (firstId is not null)
        {
            var pointer = await _tables.GetAsync(_table, MessagePointer(firstId), "", cancellationToken: cancellationToken).ConfigureAwait(false);
            if (pointer is null || pointer.GetString("ConversationId") != conversationId || partition is null) return null;
            after = pointer.GetString("Row");
        }
        if (partition is null) return new Page<MessageRecord>([], false);
        var prefix = MessagePrefix(conversationId);
        var filter = $"{TableFilter.Equal("PartitionKey", partition)} and RowKey {(after is null ? "ge" : "gt")} {TableFilter.Literal(after ?? prefix)} and RowKey lt {TableFilter.Literal(TableKeys.Successor(prefix))}";
        var rows = await _tables.TakeAsync(_table, filter, limit + 1, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(limit).Select(ToMessage).Reverse().ToList();
        return new Page<MessageRecord>(page, rows.Count > limit);
    }

    public async Task<IReadOnlyList<MessageRecord>> HistoryAsync(string conversationId, CancellationToken cancellationToken)
    {
        var partition = await PartitionAsync(conversationId, cancellationToken).ConfigureAwait(false);
        if (partition is null) return [];
        var rows = await _tables.ListAsync(_table, TableKeys.PrefixFilter(partition, MessagePrefix(conversationId)), cancellationToken).ConfigureAwait(false);
        return rows.Select(ToMessage).Where(m => m.Answer.Length > 0).Reverse().ToList();
    }

    public async Task<IReadOnlyList<ConversationVariableRecord>> GetVariablesAsync(string conversationId, CancellationToken cancellationToken)
    {
        var partition = await PartitionAsync(conversationId, cancellationToken).ConfigureAwait(false);
        if (partition is null) return [];
        var rows = await _tables.ListAsync(_table, TableKeys.PrefixFilter(partition, VariablePrefix(conversationId)), cancellationToken).ConfigureAwait(false);
        return rows.OrderBy(r => r.GetDateTimeOffset("CreatedAt")).ThenBy(r => r.GetInt32("Ordinal")).Select(ToVariable).ToList();
    }

    public Task CompleteTurnAsync(TurnCompletion completion, CancellationToken cancellationToken) =>
        new TurnWriter(_tables, _transactions, _table).CompleteAsync(completion, PartitionAsync, Contention.MaxAttempts, cancellationToken);

    public async Task<ConversationVariableRecord?> SetValueAsync(string conversationId, string variableId, JsonNode? value, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var partition = await PartitionAsync(conversationId, cancellationToken).ConfigureAwait(false);
        return partition is null ? null
            : await new VariableWriter(_tables, _table).SetValueAsync(partition, conversationId, variableId, value, at, Contention.MaxAttempts, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TableEntity?> FindMessageAsync(string id, CancellationToken cancellationToken)
    {
        var pointer = await _tables.GetAsync(_table, MessagePointer(id), "", cancellationToken: cancellationToken).ConfigureAwait(false);
        return pointer is null ? null
            : await _tables.GetAsync(_table, pointer.GetString("Partition")!, pointer.GetString("Row")!, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The user partition of a conversation (immutable, so cached), or null when there is no such conversation.</summary>
    private async Task<string?> PartitionAsync(string conversationId, CancellationToken cancellationToken)
    {
        if (_partitions.TryGetValue(conversationId, out var cached)) return cached;
        var pointer = await _tables.GetAsync(_table, ConversationPointer(conversationId), "", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (pointer?.GetString("Partition") is not { } partition) return null;
        _partitions[conversationId] = partition;
        return partition;
    }

    internal static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}
