using System.Text;
using System.Text.Json.Nodes;
using Dify.Workflows.Files;

namespace Dify.Workflows.Tests.Nodes.DocumentExtractor;

/// <summary>A LocalFolderFileStorage in a fresh temp folder, deleted afterwards.</summary>
public sealed class TempStorage : IDisposable
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "dify-files-" + Guid.NewGuid().ToString("N"));
    public LocalFolderFileStorage Storage { get; }

    public TempStorage(LocalFolderFileStorageOptions? options = null, HttpClient? remote = null) =>
        Storage = new LocalFolderFileStorage(Folder, options, remote);

    public Task<JsonObject> SaveAsync(string name, string? mime, byte[] content) =>
        Storage.SaveAsync(name, mime ?? "", new MemoryStream(content), "local_file", CancellationToken.None);

    public Task<JsonObject> SaveTextAsync(string name, string text, string? mime = null) => SaveAsync(name, mime, Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
