using Azure;
using Dify.Storage.Azure.Tables;

namespace Dify.Storage.AzureStores.Tables;

/// <summary>What one operation of an entity group transaction does.</summary>
public enum TableOperationKind
{
    Insert,
    UpsertReplace,
    UpsertMerge,
    UpdateReplace,
    UpdateMerge,
    Delete,
}

public sealed record TableOperation(TableOperationKind Kind, string PartitionKey, string RowKey, TableEntity? Entity, ETag IfMatch);

/// <summary>
/// Up to 100 operations on entities of one partition of one table, applied all or nothing
/// (Table service "entity group transaction"). Build it, then send it with <see cref="TableTransactionClient"/>.
/// </summary>
public sealed class TableTransaction(string table, string partitionKey)
{
    public const int MaxOperations = 100;

    private readonly List<TableOperation> _operations = [];

    public string Table { get; } = table;
    public string PartitionKey { get; } = partitionKey;
    public IReadOnlyList<TableOperation> Operations => _operations;
    public int Count => _operations.Count;

    public TableTransaction Insert(TableEntity entity) => Add(TableOperationKind.Insert, entity, default);

    public TableTransaction Upsert(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace) =>
        Add(mode == TableUpdateMode.Merge ? TableOperationKind.UpsertMerge : TableOperationKind.UpsertReplace, entity, default);

    /// <summary>Update of an existing entity when its ETag matches (<c>default</c> = any).</summary>
    public TableTransaction Update(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace) =>
        Add(mode == TableUpdateMode.Merge ? TableOperationKind.UpdateMerge : TableOperationKind.UpdateReplace, entity, ifMatch);

    public TableTransaction Delete(string rowKey, ETag ifMatch = default)
    {
        Check(PartitionKey);
        _operations.Add(new TableOperation(TableOperationKind.Delete, PartitionKey, rowKey, null, ifMatch));
        return this;
    }

    private TableTransaction Add(TableOperationKind kind, TableEntity entity, ETag ifMatch)
    {
        ArgumentNullException.ThrowIfNull(entity);
        Check(entity.PartitionKey);
        _operations.Add(new TableOperation(kind, entity.PartitionKey, entity.RowKey, entity, ifMatch));
        return this;
    }

    private void Check(string partitionKey)
    {
        if (partitionKey != PartitionKey) throw new ArgumentException("Every entity of a transaction must be in its partition.");
        if (_operations.Count >= MaxOperations) throw new InvalidOperationException($"A transaction holds at most {MaxOperations} operations.");
    }
}
