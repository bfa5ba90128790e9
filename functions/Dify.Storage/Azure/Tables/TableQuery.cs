namespace Dify.Storage.Azure.Tables;

/// <summary>One page request of Query Entities.</summary>
public sealed record TableQuery
{
    /// <summary>OData <c>$filter</c>, e.g. <c>PartitionKey eq 'p' and Count gt 3</c>; build literals with <see cref="TableFilter"/>.</summary>
    public string? Filter { get; init; }

    /// <summary>Properties to return (<c>$select</c>); null = all.</summary>
    public IReadOnlyList<string>? Select { get; init; }

    /// <summary>Page size (<c>$top</c>), 1..1000; the service returns at most 1000 per page anyway.</summary>
    public int? Top { get; init; }

    /// <summary>Where the previous page stopped (<see cref="TableQueryPage.Continuation"/>).</summary>
    public TableContinuation? Continuation { get; init; }
}

/// <summary>The service's continuation (<c>x-ms-continuation-NextPartitionKey</c>/<c>NextRowKey</c>).</summary>
public sealed record TableContinuation(string NextPartitionKey, string? NextRowKey);

/// <summary>One page of entities; <see cref="Continuation"/> is null on the last page.</summary>
public sealed record TableQueryPage(IReadOnlyList<TableEntity> Items, TableContinuation? Continuation);
