using System.Text.Json.Nodes;

namespace Dify.Workflows.Files;

/// <summary>
/// The file storage behind the Service API's uploads and previews as well as the nodes: stores bytes with a transfer
/// method (<c>local_file</c> for user uploads) and answers what it holds by id. Adapters: a local folder
/// (<see cref="LocalFolderFileStorage"/>) and, in the cloud, a Blob container that every instance reads.
/// </summary>
public interface IFileContentStore : IFileStorage
{
    /// <summary>Stores content; <paramref name="transferMethod"/> is "local_file" for user uploads, "tool_file" for node outputs.</summary>
    Task<JsonObject> SaveAsync(string filename, string mimeType, Stream content, string transferMethod, CancellationToken cancellationToken);

    /// <summary>Metadata of a stored file; null for unknown or malformed ids.</summary>
    Task<StoredFileInfo?> GetInfoAsync(string id, CancellationToken cancellationToken);
}
