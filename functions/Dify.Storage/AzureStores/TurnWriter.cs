using Dify.Storage.Azure;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;
using Dify.Storage.Conversations;
using static Dify.Storage.AzureStores.ConversationRows;

namespace Dify.Storage.AzureStores;

/// <summary>
/// Writes a finished turn: the message's answer, the conversation variables and the conversation's
/// <c>updated_at</c> in one entity group transaction, each row guarded by the ETag it was read with. Replaying the
/// same completion writes the same values (idempotent). Past 98 variables the extra ones go in earlier transactions
/// and the message comes last, so a reader never sees an answered turn without its variables.
/// </summary>
internal sealed class TurnWriter(TableStoreClient tables, TableTransactionClient transactions, string table)
{
    public async Task CompleteAsync(TurnCompletion completion, Func<string, CancellationToken, Task<string?>> partitionOf, int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var partition = await partitionOf(completion.ConversationId, cancellationToken).ConfigureAwait(false);
        if (partition is null) return;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await TryOnceAsync(completion, partition, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StorageRequestException e) when (e.Status is 409 or 412 && attempt < maxAttempts)
            {
                // A concurrent writer changed a row we read: read again and redo.
                await Contention.BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task TryOnceAsync(TurnCompletion c, string partition, CancellationToken cancellationToken)
    {
        var conversation = await tables.GetAsync(table, partition, ConversationRow(c.ConversationId), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (conversation is null) return;
        var pointer = await tables.GetAsync(table, MessagePointer(c.MessageId), "", cancellationToken: cancellationToken).ConfigureAwait(false);
        var message = pointer?.GetString("Row") is { } row && pointer.GetString("Partition") == partition
            ? await tables.GetAsync(table, partition, row, cancellationToken: cancellationToken).ConfigureAwait(false)
            : null;
        var existing = (await tables.ListAsync(table, TableKeys.PrefixFilter(partition, VariablePrefix(c.ConversationId)), cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.GetString("Name")!, StringComparer.Ordinal);

        var operations = new List<Action<TableTransaction>>();
        var nextOrdinal = existing.Count == 0 ? 0 : existing.Values.Max(r => r.GetInt32("Ordinal") ?? 0) + 1;
        foreach (var (name, value) in c.Variables)
        {
            if (existing.TryGetValue(name, out var old))
            {
                var updated = ToEntity(partition, ToVariable(old) with { Value = value, UpdatedAt = c.At }, old.GetInt32("Ordinal") ?? 0);
                operations.Add(tx => tx.Update(updated, old.ETag));
            }
            else
            {
                var created = ToEntity(partition, new ConversationVariableRecord(Guid.NewGuid().ToString(), c.ConversationId, name, TypeOf(value), value, "", c.At, c.At), nextOrdinal++);
                operations.Add(tx => tx.Insert(created));
            }
        }
        if (message is not null)
        {
            var answered = ToEntity(partition, message.RowKey, ToMessage(message) with { Answer = c.Answer, Status = c.Status, Error = c.Error, TotalTokens = c.TotalTokens });
            operations.Add(tx => tx.Update(answered, message.ETag));
        }
        var touch = new TableEntity(partition, conversation.RowKey) { { "UpdatedAt", TableConversationStore.Max(conversation.GetDateTimeOffset("UpdatedAt"), c.At) } };
        operations.Add(tx => tx.Update(touch, conversation.ETag, TableUpdateMode.Merge));

        foreach (var chunk in operations.Chunk(TableTransaction.MaxOperations))
        {
            var tx = new TableTransaction(table, partition);
            foreach (var add in chunk) add(tx);
            await transactions.SubmitAsync(tx, cancellationToken).ConfigureAwait(false);
        }
    }
}
