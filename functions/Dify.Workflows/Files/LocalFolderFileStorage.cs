using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Values;

namespace Dify.Workflows.Files;

public sealed record LocalFolderFileStorageOptions
{
    /// <summary>Largest file <see cref="LocalFolderFileStorage.SaveAsync(string, string, Stream, CancellationToken)"/> accepts.</summary>
    public long MaxFileBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Largest remote_url file fetched (Dify's upload limit is 15 MB; remote files are capped alike).</summary>
    public long MaxRemoteBytes { get; init; } = 15L * 1024 * 1024;

    /// <summary>Builds the "url" of a stored file (the host knows where it serves files); null leaves it empty.</summary>
    public Func<StoredFileInfo, string?>? UrlFor { get; init; }
}

/// <summary>
/// Files kept in one folder: "{id}.bin" holds the bytes and "{id}.json" the metadata. Ids are GUIDs
/// (32 hex digits) and are parsed before use, so no id can name a path outside the folder. Writes go
/// to a temporary name first and are renamed into place, so readers never see half a file.
/// </summary>
public sealed class LocalFolderFileStorage : IFileContentStore
{
    private static readonly JsonSerializerOptions MetadataJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string _root;
    private readonly LocalFolderFileStorageOptions _options;
    private readonly RemoteFileFetcher _remote;

    /// <param name="rootFolder">Created when missing.</param>
    /// <param name="remoteClient">Fetches remote_url files; without one, remote files fail to open.</param>
    public LocalFolderFileStorage(string rootFolder, LocalFolderFileStorageOptions? options = null, HttpClient? remoteClient = null)
    {
        _root = Path.GetFullPath(rootFolder);
        Directory.CreateDirectory(_root);
        _options = options ?? new LocalFolderFileStorageOptions();
        _remote = new RemoteFileFetcher(remoteClient, _options.MaxRemoteBytes);
    }

    public string RootFolder => _root;

    public Task<JsonObject> SaveAsync(string filename, string mimeType, Stream content, CancellationToken cancellationToken) =>
        SaveAsync(filename, mimeType, content, "tool_file", cancellationToken);

    /// <summary>Stores content; <paramref name="transferMethod"/> is "local_file" for user uploads, "tool_file" for node outputs.</summary>
    public async Task<JsonObject> SaveAsync(string filename, string mimeType, Stream content, string transferMethod, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var name = SafeFilename(filename);
        var extension = FileKinds.ExtensionOf(name);
        var mime = string.IsNullOrWhiteSpace(mimeType) ? FileKinds.GuessMimeType(name) ?? "application/octet-stream" : FileKinds.BareMime(mimeType);

        var dataPath = DataPath(id);
        var tempData = dataPath + ".tmp";
        long size;
        try
        {
            await using (var output = new FileStream(tempData, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                size = await BoundedCopy.CopyAsync(content, output, _options.MaxFileBytes, cancellationToken).ConfigureAwait(false);
            if (size < 0)
                throw new FileStorageException($"File '{name}' is larger than the limit of {BoundedCopy.Readable(_options.MaxFileBytes)}.");
            File.Move(tempData, dataPath);
        }
        finally
        {
            if (File.Exists(tempData)) File.Delete(tempData);
        }

        var info = new StoredFileInfo(id, name, mime, extension, size, transferMethod, DateTimeOffset.UtcNow);
        var tempMeta = MetaPath(id) + ".tmp";
        await File.WriteAllTextAsync(tempMeta, JsonSerializer.Serialize(info, MetadataJson), cancellationToken).ConfigureAwait(false);
        File.Move(tempMeta, MetaPath(id));
        return ToFileValue(info);
    }

    public Task<StoredFileInfo?> GetInfoAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(TryGetInfo(id, out var info) ? info : null);

    /// <summary>Metadata of a stored file; false for unknown or malformed ids.</summary>
    public bool TryGetInfo(string id, out StoredFileInfo? info)
    {
        info = null;
        if (!TryNormalizeId(id, out var normalized)) return false;
        var meta = MetaPath(normalized);
        if (!File.Exists(meta) || !File.Exists(DataPath(normalized))) return false;
        try
        {
            info = JsonSerializer.Deserialize<StoredFileInfo>(File.ReadAllText(meta), MetadataJson);
        }
        catch (JsonException)
        {
            return false;
        }
        return info is not null;
    }

    /// <summary>The pool value for a stored file (Dify's File shape); related_id is the storage id.</summary>
    public JsonObject ToFileValue(StoredFileInfo info) =>
        FileValue.Create(
            type: FileKinds.TypeOf(info.Extension, info.MimeType),
            transferMethod: info.TransferMethod,
            filename: info.Filename,
            extension: info.Extension,
            mimeType: info.MimeType,
            size: info.Size,
            url: _options.UrlFor?.Invoke(info),
            relatedId: info.Id,
            id: info.Id);

    public async Task<Stream> OpenReadAsync(JsonObject file, CancellationToken cancellationToken)
    {
        var method = file["transfer_method"]?.ToString();
        if (method == "remote_url")
            return await _remote.FetchAsync(file, cancellationToken).ConfigureAwait(false);

        var id = (file["related_id"] ?? file["upload_file_id"] ?? file["tool_file_id"])?.ToString();
        if (string.IsNullOrEmpty(id) || !TryGetInfo(id, out var info) || info is null)
            throw new FileStorageException($"File '{file["filename"]}' was not found in storage.");
        return new FileStream(DataPath(info.Id), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
    }

    /// <summary>Accepts any GUID spelling and returns the 32-digit form used on disk; rejects everything else.</summary>
    public static bool TryNormalizeId(string? id, out string normalized)
    {
        normalized = "";
        if (id is null || !Guid.TryParse(id, out var guid)) return false;
        normalized = guid.ToString("N");
        return true;
    }

    private string DataPath(string id) => Path.Combine(_root, id + ".bin");
    private string MetaPath(string id) => Path.Combine(_root, id + ".json");

    /// <summary>Keeps the last path segment only and drops control characters: the name is metadata, never a path.</summary>
    public static string SafeFilename(string? filename)
    {
        var name = (filename ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name is "" or "." or "..") name = "file";
        if (name.Length <= 200) return name;
        var extension = Path.GetExtension(name);
        return extension.Length < 20 ? name[..(200 - extension.Length)] + extension : name[..200]; // keep the type visible
    }
}
