using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Dify.Storage.Azure.Connection;
using Dify.Storage.Azure.Pipeline;

namespace Dify.Storage.Azure.Blobs;

/// <summary>
/// Azure Blob Storage over REST (block blobs): containers, put/get/list/delete, metadata and ETag
/// conditions. Thread-safe; create one per account and reuse it. Every failure is a
/// <see cref="StorageRequestException"/>.
/// </summary>
public sealed partial class BlobStoreClient
{
    private readonly StoragePipeline _pipeline;
    private readonly object? _credential;

    /// <summary>From a connection string (<c>UseDevelopmentStorage=true</c>, account key, SAS or explicit BlobEndpoint).</summary>
    public BlobStoreClient(string connectionString, StorageClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), options)
    {
    }

    public BlobStoreClient(StorageConnectionString connection, StorageClientOptions? options = null)
        : this(connection.RequireBlobEndpoint(), (object?)connection.SharedKey ?? connection.SharedAccessSignature, options)
    {
    }

    /// <summary>Shared Key auth against <paramref name="serviceUri"/>, e.g. <c>https://acct.blob.core.windows.net</c>.</summary>
    public BlobStoreClient(Uri serviceUri, StorageSharedKeyCredential credential, StorageClientOptions? options = null)
        : this(serviceUri, (object)credential, options)
    {
    }

    /// <summary>SAS auth; the signature is appended to every request's query.</summary>
    public BlobStoreClient(Uri serviceUri, AzureSasCredential credential, StorageClientOptions? options = null)
        : this(serviceUri, (object)credential, options)
    {
    }

    /// <summary>Entra ID auth (e.g. <c>DefaultAzureCredential</c>, <c>ManagedIdentityCredential</c>); needs an https endpoint.</summary>
    public BlobStoreClient(Uri serviceUri, TokenCredential credential, StorageClientOptions? options = null)
        : this(serviceUri, (object)credential, options)
    {
    }

    private BlobStoreClient(Uri serviceUri, object? credential, StorageClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        _pipeline = new StoragePipeline(serviceUri, credential, StorageService.Blob, options);
        _credential = credential;
    }

    /// <summary>The blob service root, e.g. <c>http://127.0.0.1:10000/devstoreaccount1</c>.</summary>
    public Uri ServiceUri => _pipeline.Endpoint;

    /// <summary>Creates the container; false when it already existed.</summary>
    public async Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        using var message = ContainerMessage(RequestMethod.Put, container);
        try
        {
            await _pipeline.SendAsync(message, [201], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException e) when (e.Status == 409 && e.ErrorCode == "ContainerAlreadyExists")
        {
            return false;
        }
    }

    /// <summary>Deletes the container and its blobs; false when it did not exist.</summary>
    public async Task<bool> DeleteContainerIfExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        using var message = ContainerMessage(RequestMethod.Delete, container);
        try
        {
            await _pipeline.SendAsync(message, [202], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes <paramref name="content"/> (read to its end, not rewound) as a block blob, replacing any
    /// existing one unless <see cref="BlobPutOptions.Conditions"/> says otherwise. Large streams go in blocks.
    /// </summary>
    public Task<BlobWriteResult> PutAsync(string container, string blobName, Stream content, BlobPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new BlobPutOptions();
        var blockSize = options.BlockSize ?? _pipeline.Options.UploadBlockSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, StorageClientOptions.MaxUploadBlockSize);
        return new BlockUpload(_pipeline, BlobPaths.Blob(container, blobName), options, blockSize).RunAsync(content, cancellationToken);
    }

    /// <summary>Writes in-memory <paramref name="content"/>; see the stream overload.</summary>
    public async Task<BlobWriteResult> PutAsync(string container, string blobName, BinaryData content, BlobPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var stream = content.ToStream();
        return await PutAsync(container, blobName, stream, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the blob (or <paramref name="range"/> of it) as a network stream with its properties. 404 → <c>BlobNotFound</c>.</summary>
    public async Task<BlobDownload> GetAsync(string container, string blobName, BlobRange? range = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Get, BlobPaths.Blob(container, blobName));
        message.BufferResponse = false;
        if (range is { } r) message.Request.Headers.SetValue("x-ms-range", r.ToHeader());
        BlobHeaders.ApplyConditions(message.Request, conditions);
        var response = await _pipeline.SendAsync(message, [200, 206], cancellationToken).ConfigureAwait(false);
        var properties = BlobHeaders.ReadProperties(response);
        var length = response.Headers.ContentLength ?? properties.ContentLength;
        var stream = message.ExtractResponseContent() ?? new MemoryStream([], writable: false);
        return new BlobDownload(stream, length, properties);
    }

    /// <summary>Reads the whole blob into memory (for small blobs).</summary>
    public async Task<BinaryData> GetContentAsync(string container, string blobName, CancellationToken cancellationToken = default)
    {
        await using var download = await GetAsync(container, blobName, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await BinaryData.FromStreamAsync(download.Content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Properties and metadata without the content (HEAD). 404 → status 404, code <c>BlobNotFound</c>.</summary>
    public async Task<BlobProperties> GetPropertiesAsync(string container, string blobName, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Head, BlobPaths.Blob(container, blobName));
        var response = await _pipeline.SendAsync(message, [200], cancellationToken).ConfigureAwait(false);
        return BlobHeaders.ReadProperties(response);
    }

    /// <summary>Replaces all user metadata of the blob (the content and its ETag-guarded state stay; the ETag changes).</summary>
    public async Task<BlobWriteResult> SetMetadataAsync(string container, string blobName, IReadOnlyDictionary<string, string> metadata, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        using var message = _pipeline.CreateMessage(RequestMethod.Put, BlobPaths.Blob(container, blobName));
        message.Request.Uri.AppendQuery("comp", "metadata");
        BlobHeaders.ApplyMetadata(message.Request, metadata);
        BlobHeaders.ApplyConditions(message.Request, conditions);
        var response = await _pipeline.SendAsync(message, [200], cancellationToken).ConfigureAwait(false);
        return BlobHeaders.ReadWriteResult(response);
    }

    /// <summary>One page of blobs in name order; pass <see cref="BlobPage.NextMarker"/> back as <see cref="BlobListOptions.Marker"/>.</summary>
    public async Task<BlobPage> ListAsync(string container, BlobListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new BlobListOptions();
        using var message = ContainerMessage(RequestMethod.Get, container);
        message.Request.Uri.AppendQuery("comp", "list");
        if (!string.IsNullOrEmpty(options.Prefix)) message.Request.Uri.AppendQuery("prefix", options.Prefix);
        if (!string.IsNullOrEmpty(options.Marker)) message.Request.Uri.AppendQuery("marker", options.Marker);
        if (options.MaxResults is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 5000);
            message.Request.Uri.AppendQuery("maxresults", max.ToString(CultureInfo.InvariantCulture));
        }
        if (options.IncludeMetadata) message.Request.Uri.AppendQuery("include", "metadata");
        var response = await _pipeline.SendAsync(message, [200], cancellationToken).ConfigureAwait(false);
        return await BlobListXml.ReadAsync(response.ContentStream!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every blob under <paramref name="prefix"/>, page after page.</summary>
    public async IAsyncEnumerable<BlobItem> ListAllAsync(string container, string? prefix = null, bool includeMetadata = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? marker = null;
        do
        {
            var page = await ListAsync(container, new BlobListOptions { Prefix = prefix, Marker = marker, IncludeMetadata = includeMetadata }, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }
            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    /// <summary>The committed blocks of a block blob (empty for one written by a single Put Blob).</summary>
    public async Task<IReadOnlyList<BlobBlock>> GetBlockListAsync(string container, string blobName, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Get, BlobPaths.Blob(container, blobName));
        message.Request.Uri.AppendQuery("comp", "blocklist");
        message.Request.Uri.AppendQuery("blocklisttype", "committed");
        var response = await _pipeline.SendAsync(message, [200], cancellationToken).ConfigureAwait(false);
        var document = await XDocument.LoadAsync(response.ContentStream!, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        return document.Root?.Element("CommittedBlocks")?.Elements("Block")
            .Select(b => new BlobBlock(b.Element("Name")?.Value ?? "", long.Parse(b.Element("Size")?.Value ?? "0", CultureInfo.InvariantCulture)))
            .ToList() ?? [];
    }

    /// <summary>Deletes the blob (and its snapshots). 404 → <c>BlobNotFound</c>; failed condition → 412.</summary>
    public async Task DeleteAsync(string container, string blobName, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Delete, BlobPaths.Blob(container, blobName));
        message.Request.Headers.SetValue("x-ms-delete-snapshots", "include");
        BlobHeaders.ApplyConditions(message.Request, conditions);
        await _pipeline.SendAsync(message, [202], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Like <see cref="DeleteAsync"/>, but false instead of an error when the blob (or container) is missing.</summary>
    public async Task<bool> DeleteIfExistsAsync(string container, string blobName, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await DeleteAsync(container, blobName, conditions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private HttpMessage ContainerMessage(RequestMethod method, string container)
    {
        var message = _pipeline.CreateMessage(method, BlobPaths.Container(container));
        message.Request.Uri.AppendQuery("restype", "container");
        return message;
    }
}
