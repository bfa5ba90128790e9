using System.Text.Json.Nodes;

namespace Dify.Workflows.Files;

/// <summary>
/// How nodes read and create files. Files travel through the pool as Dify-shaped JSON objects
/// (<see cref="Values.FileValue"/>); the storage resolves them to bytes and turns new bytes into such
/// objects. Implementations must bound what they read (remote files) and never trust ids as paths.
/// </summary>
public interface IFileStorage
{
    /// <summary>
    /// Opens a file's content. local_file/tool_file → by related_id (or upload_file_id/tool_file_id);
    /// remote_url → fetched over HTTP with a size limit. Throws <see cref="FileStorageException"/> when the
    /// file cannot be found or fetched.
    /// </summary>
    Task<Stream> OpenReadAsync(JsonObject file, CancellationToken cancellationToken);

    /// <summary>Stores new content (node outputs) and returns its file value, transfer_method "tool_file" like Dify.</summary>
    Task<JsonObject> SaveAsync(string filename, string mimeType, Stream content, CancellationToken cancellationToken);
}

/// <summary>A file could not be read or stored. The message is shown to the user, so it never carries paths or secrets.</summary>
public sealed class FileStorageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What a storage knows about a stored file.</summary>
public sealed record StoredFileInfo(
    string Id,
    string Filename,
    string MimeType,
    string Extension,
    long Size,
    string TransferMethod,
    DateTimeOffset CreatedAt);
