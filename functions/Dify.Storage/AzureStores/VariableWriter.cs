using System.Text.Json.Nodes;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;
using Dify.Storage.Conversations;
using static Dify.Storage.AzureStores.ConversationRows;

namespace Dify.Storage.AzureStores;

/// <summary>
/// Sets one conversation variable's value (Service API <c>PUT /conversations/{id}/variables/{variable_id}</c>): the row is
/// found by id among the conversation's variable rows and replaced guarded by the ETag it was read with, so a turn
/// completing at the same moment is never overwritten with a stale copy of the row; a lost race reads again and retries.
/// </summary>
internal sealed class VariableWriter(TableStoreClient tables, string table)
{
    public async Task<ConversationVariableRecord?> SetValueAsync(string partition, string conversationId, string variableId, JsonNode? value, DateTimeOffset at,
        int maxAttempts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var rows = await tables.ListAsync(table, TableKeys.PrefixFilter(partition, VariablePrefix(conversationId)), cancellationToken).ConfigureAwait(false);
            var row = rows.FirstOrDefault(r => r.GetString("Id") == variableId);
            if (row is null) return null;
            var updated = ToVariable(row) with { Value = value?.DeepClone(), UpdatedAt = at };
            try
            {
                await tables.UpdateAsync(table, ToEntity(partition, updated, row.GetInt32("Ordinal") ?? 0), row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return updated;
            }
            catch (StorageRequestException e) when (e.Status == 404)
            {
                return null; // the conversation was deleted meanwhile
            }
            catch (StorageRequestException e) when (e.Status == 412 && attempt < maxAttempts)
            {
                await Contention.BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
