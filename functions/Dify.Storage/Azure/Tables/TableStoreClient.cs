using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Core;
using Dify.Storage.Azure.Connection;
using Dify.Storage.Azure.Pipeline;

namespace Dify.Storage.Azure.Tables;

/// <summary>
/// Azure Table Storage over REST (OData JSON): tables, entity insert/upsert/update/delete, point reads and
/// paged queries. Thread-safe; create one per account and reuse it. Every failure is a
/// <see cref="StorageRequestException"/> (e.g. 409 <c>EntityAlreadyExists</c>, 412 <c>UpdateConditionNotSatisfied</c>).
/// </summary>
public sealed class TableStoreClient
{
    private const string JsonAccept = "application/json;odata=minimalmetadata";
    private static readonly RequestMethod Merge = new("MERGE");

    private readonly StoragePipeline _pipeline;

    /// <summary>From a connection string (<c>UseDevelopmentStorage=true</c>, account key, SAS or explicit TableEndpoint).</summary>
    public TableStoreClient(string connectionString, StorageClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), options)
    {
    }

    public TableStoreClient(StorageConnectionString connection, StorageClientOptions? options = null)
        : this(connection.RequireTableEndpoint(), (object?)connection.SharedKey ?? connection.SharedAccessSignature, options)
    {
    }

    /// <summary>Shared Key (or SharedKeyLite, see <see cref="StorageClientOptions.UseSharedKeyLiteForTables"/>) auth.</summary>
    public TableStoreClient(Uri serviceUri, StorageSharedKeyCredential credential, StorageClientOptions? options = null)
        : this(serviceUri, (object)credential, options)
    {
    }

    /// <summary>SAS auth; the signature is appended to every request's query.</summary>
    public TableStoreClient(Uri serviceUri, AzureSasCredential credential, StorageClientOptions? options = null)
        : this(serviceUri, (object)credential, options)
    {
    }

    /// <summary>Entra ID auth (e.g. <c>DefaultAzureCredential</c>); needs an https endpoint.</summary>
    public TableStoreClient(Uri serviceUri, TokenCredential credential, StorageClientOptions? options = null)
        : this(serviceUri, (object)credential, options)
    {
    }

    private TableStoreClient(Uri serviceUri, object? credential, StorageClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        _pipeline = new StoragePipeline(serviceUri, credential, StorageService.Table, options);
    }

    /// <summary>The table service root, e.g. <c>http://127.0.0.1:10002/devstoreaccount1</c>.</summary>
    public Uri ServiceUri => _pipeline.Endpoint;

    /// <summary>Creates the table; false when it already existed.</summary>
    public async Task<bool> CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default)
    {
        using var message = Message(RequestMethod.Post, TablePaths.Tables);
        TablePaths.Table(table);
        WriteJson(message, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = table }));
        try
        {
            await _pipeline.SendAsync(message, [201, 204], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException e) when (e.Status == 409 && e.ErrorCode == "TableAlreadyExists")
        {
            return false;
        }
    }

    /// <summary>Deletes the table and its entities; false when it did not exist.</summary>
    public async Task<bool> DeleteTableIfExistsAsync(string table, CancellationToken cancellationToken = default)
    {
        using var message = Message(RequestMethod.Delete, TablePaths.TableResource(table));
        try
        {
            await _pipeline.SendAsync(message, [204], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Adds a new entity; 409 <c>EntityAlreadyExists</c> if the keys are taken. Sets and returns the new ETag.</summary>
    public async Task<ETag> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = Message(RequestMethod.Post, TablePaths.Table(table));
        WriteJson(message, TableEntityJson.Write(entity));
        var response = await _pipeline.SendAsync(message, [204], cancellationToken).ConfigureAwait(false);
        return entity.ETag = ReadETag(response);
    }

    /// <summary>Insert-or-replace (<see cref="TableUpdateMode.Replace"/>) or insert-or-merge (<see cref="TableUpdateMode.Merge"/>); never conditional.</summary>
    public async Task<ETag> UpsertAsync(string table, TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = Message(mode == TableUpdateMode.Merge ? Merge : RequestMethod.Put, TablePaths.Entity(table, entity.PartitionKey, entity.RowKey));
        WriteJson(message, TableEntityJson.Write(entity));
        var response = await _pipeline.SendAsync(message, [204], cancellationToken).ConfigureAwait(false);
        return entity.ETag = ReadETag(response);
    }

    /// <summary>
    /// Replaces or merges an existing entity when its ETag is <paramref name="ifMatch"/> (use <see cref="ETag.All"/>
    /// for any). Stale ETag → 412 <c>UpdateConditionNotSatisfied</c>; missing entity → 404 <c>ResourceNotFound</c>.
    /// </summary>
    public async Task<ETag> UpdateAsync(string table, TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = Message(mode == TableUpdateMode.Merge ? Merge : RequestMethod.Put, TablePaths.Entity(table, entity.PartitionKey, entity.RowKey));
        message.Request.Headers.SetValue("If-Match", IfMatch(ifMatch));
        WriteJson(message, TableEntityJson.Write(entity));
        var response = await _pipeline.SendAsync(message, [204], cancellationToken).ConfigureAwait(false);
        return entity.ETag = ReadETag(response);
    }

    /// <summary>Deletes the entity when its ETag is <paramref name="ifMatch"/> (default: any). Missing → 404 <c>ResourceNotFound</c>.</summary>
    public async Task DeleteAsync(string table, string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        using var message = Message(RequestMethod.Delete, TablePaths.Entity(table, partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", IfMatch(ifMatch));
        await _pipeline.SendAsync(message, [204], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Like <see cref="DeleteAsync"/>, but false instead of an error when the entity is missing.</summary>
    public async Task<bool> DeleteIfExistsAsync(string table, string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        try
        {
            await DeleteAsync(table, partitionKey, rowKey, ifMatch, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Point read by keys; null when the entity does not exist (a missing table still throws).</summary>
    public async Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, IReadOnlyList<string>? select = null, CancellationToken cancellationToken = default)
    {
        using var message = Message(RequestMethod.Get, TablePaths.Entity(table, partitionKey, rowKey));
        if (select is { Count: > 0 }) message.Request.Uri.AppendQuery("$select", string.Join(',', select));
        try
        {
            var response = await _pipeline.SendAsync(message, [200], cancellationToken).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(response.ContentStream!, cancellationToken: cancellationToken).ConfigureAwait(false);
            var entity = TableEntityJson.Read(document.RootElement);
            if (response.Headers.TryGetValue("ETag", out var etag)) entity.ETag = new ETag(etag);
            return entity;
        }
        catch (StorageRequestException e) when (e.Status == 404 && e.ErrorCode == "ResourceNotFound")
        {
            return null;
        }
    }

    /// <summary>One page of a query; pass <see cref="TableQueryPage.Continuation"/> back in <see cref="TableQuery.Continuation"/>.</summary>
    public async Task<TableQueryPage> QueryAsync(string table, TableQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new TableQuery();
        using var message = Message(RequestMethod.Get, TablePaths.Table(table) + "()");
        var uri = message.Request.Uri;
        if (!string.IsNullOrEmpty(query.Filter)) uri.AppendQuery("$filter", query.Filter);
        if (query.Select is { Count: > 0 }) uri.AppendQuery("$select", string.Join(',', query.Select));
        if (query.Top is { } top)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(top, 1000);
            uri.AppendQuery("$top", top.ToString(CultureInfo.InvariantCulture));
        }
        if (query.Continuation is { } next)
        {
            uri.AppendQuery("NextPartitionKey", next.NextPartitionKey);
            if (next.NextRowKey is not null) uri.AppendQuery("NextRowKey", next.NextRowKey);
        }

        var response = await _pipeline.SendAsync(message, [200], cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(response.ContentStream!, cancellationToken: cancellationToken).ConfigureAwait(false);
        var items = new List<TableEntity>();
        if (document.RootElement.TryGetProperty("value", out var values))
        {
            foreach (var element in values.EnumerateArray())
            {
                items.Add(TableEntityJson.Read(element));
            }
        }
        TableContinuation? continuation = null;
        if (response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPartition) && !string.IsNullOrEmpty(nextPartition))
        {
            response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRow);
            continuation = new TableContinuation(nextPartition, string.IsNullOrEmpty(nextRow) ? null : nextRow);
        }
        return new TableQueryPage(items, continuation);
    }

    /// <summary>Every entity matching <paramref name="filter"/>, following continuations.</summary>
    public async IAsyncEnumerable<TableEntity> QueryAllAsync(string table, string? filter = null, IReadOnlyList<string>? select = null, int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TableContinuation? continuation = null;
        do
        {
            var page = await QueryAsync(table, new TableQuery { Filter = filter, Select = select, Top = pageSize, Continuation = continuation }, cancellationToken).ConfigureAwait(false);
            foreach (var entity in page.Items)
            {
                yield return entity;
            }
            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    private HttpMessage Message(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage(method, path);
        message.Request.Headers.SetValue("Accept", JsonAccept);
        message.Request.Headers.SetValue("DataServiceVersion", "3.0");
        message.Request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    private static void WriteJson(HttpMessage message, byte[] json)
    {
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Content = RequestContent.Create(json);
    }

    /// <summary>Table ETags are weak (<c>W/"datetime'…'"</c>); they travel exactly as the service sent them.</summary>
    private static ETag ReadETag(Response response) =>
        response.Headers.TryGetValue("ETag", out var etag) ? new ETag(etag) : default;

    private static string IfMatch(ETag etag) => etag == default ? "*" : etag.ToString();
}
