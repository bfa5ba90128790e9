using System.Globalization;
using System.Text.Json.Nodes;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.AzureStores;
using Dify.Workflows.Files;
using Dify.Workflows.Values;

namespace Dify.Cloud.Files;

/// <summary>
/// Uploaded files and files made by nodes, in one Blob container (<c>Storage:FilesContainer</c>, default <c>files</c>) so
/// that every instance reads what any instance wrote. A file is one blob named by its id (32 hex digits; ids are parsed
/// before use, never trusted as paths): its Content-Type is the mime type and its metadata the name, extension, transfer
/// method and creation time. Put Blob (or the final Put Block List) commits bytes and metadata together, so readers never
/// see half a file; content past <see cref="LocalFolderFileStorageOptions.MaxFileBytes"/> is refused before anything is committed.
/// </summary>
public sealed class BlobFileStorage(BlobStoreClient blobs, string container, LocalFolderFileStorageOptions options, RemoteFileFetcher remote, TimeProvider time)
    : IFileContentStore
{
    private const string NameKey = "filename", ExtensionKey = "extension", MethodKey = "transfermethod", CreatedKey = "createdat";

    public BlobFileStorage(AzureStoreAccount account, string container, HttpClient? remoteClient, TimeProvider time, LocalFolderFileStorageOptions? options = null)
        : this(account.Blobs, container, options ?? new LocalFolderFileStorageOptions(), new RemoteFileFetcher(remoteClient, (options ?? new()).MaxRemoteBytes), time)
    {
    }

    public string Container => container;

    public Task<JsonObject> SaveAsync(string filename, string mimeType, Stream content, CancellationToken cancellationToken) =>
        SaveAsync(filename, mimeType, content, "tool_file", cancellationToken);

    public async Task<JsonObject> SaveAsync(string filename, string mimeType, Stream content, string transferMethod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var id = Guid.NewGuid().ToString("N");
        var name = LocalFolderFileStorage.SafeFilename(filename);
        var extension = FileKinds.ExtensionOf(name);
        var mime = string.IsNullOrWhiteSpace(mimeType) ? FileKinds.GuessMimeType(name) ?? "application/octet-stream" : FileKinds.BareMime(mimeType);
        var created = time.GetUtcNow();
        var limited = new LimitedReadStream(content, options.MaxFileBytes,
            () => new FileStorageException($"File '{name}' is larger than the limit of {BoundedCopy.Readable(options.MaxFileBytes)}."));
        await blobs.PutAsync(container, id, limited, new BlobPutOptions
        {
            ContentType = mime,
            Metadata = new Dictionary<string, string>
            {
                [NameKey] = Uri.EscapeDataString(name), // metadata values are ASCII
                [ExtensionKey] = Uri.EscapeDataString(extension),
                [MethodKey] = transferMethod,
                [CreatedKey] = created.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            },
        }, cancellationToken).ConfigureAwait(false);
        return ToFileValue(new StoredFileInfo(id, name, mime, extension, limited.BytesRead, transferMethod, created));
    }

    public async Task<StoredFileInfo?> GetInfoAsync(string id, CancellationToken cancellationToken)
    {
        if (!LocalFolderFileStorage.TryNormalizeId(id, out var blob)) return null;
        try
        {
            return ToInfo(blob, await blobs.GetPropertiesAsync(container, blob, cancellationToken).ConfigureAwait(false));
        }
        catch (StorageRequestException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<Stream> OpenReadAsync(JsonObject file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file["transfer_method"]?.ToString() == "remote_url") return await remote.FetchAsync(file, cancellationToken).ConfigureAwait(false);
        var id = (file["related_id"] ?? file["upload_file_id"] ?? file["tool_file_id"])?.ToString();
        if (!LocalFolderFileStorage.TryNormalizeId(id, out var blob)) throw NotFound(file);
        try
        {
            var download = await blobs.GetAsync(container, blob, cancellationToken: cancellationToken).ConfigureAwait(false);
            return download.Content;
        }
        catch (StorageRequestException e) when (e.Status == 404)
        {
            throw NotFound(file);
        }
    }

    private static FileStorageException NotFound(JsonObject file) => new($"File '{file["filename"]}' was not found in storage.");

    private JsonObject ToFileValue(StoredFileInfo info) =>
        FileValue.Create(FileKinds.TypeOf(info.Extension, info.MimeType), info.TransferMethod, info.Filename, info.Extension, info.MimeType, info.Size,
            url: options.UrlFor?.Invoke(info), relatedId: info.Id, id: info.Id);

    private static StoredFileInfo ToInfo(string id, BlobProperties blob)
    {
        string Meta(string key, string fallback) => blob.Metadata.TryGetValue(key, out var value) ? value : fallback;
        var created = long.TryParse(Meta(CreatedKey, ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : blob.LastModified ?? DateTimeOffset.UnixEpoch;
        return new StoredFileInfo(id, Uri.UnescapeDataString(Meta(NameKey, id)), blob.ContentType ?? "application/octet-stream",
            Uri.UnescapeDataString(Meta(ExtensionKey, "")), blob.ContentLength, Meta(MethodKey, "tool_file"), created);
    }
}
