namespace Dify.Api.Datasets;

/// <summary>
/// Document sources waiting to be ingested, one file per document under <c>{data}/knowledge-sources</c>, so a
/// document queued or cut off before splitting is ingested again after a restart. Removed once the document ends.
/// </summary>
public sealed class DocumentSources(DatasetApiBackend backend)
{
    private readonly string _root = Path.Combine(backend.DataDirectory, "knowledge-sources");

    public string PathOf(string datasetId, string documentId) => Path.Combine(_root, Safe(datasetId), Safe(documentId) + ".src");

    public bool Exists(string datasetId, string documentId) => File.Exists(PathOf(datasetId, documentId));

    /// <summary>Writes the whole source (to a temp file first, so a crash never leaves half a source).</summary>
    public async Task SaveAsync(string datasetId, string documentId, Stream content, CancellationToken ct)
    {
        var path = PathOf(datasetId, documentId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            await content.CopyToAsync(file, ct);
        File.Move(temp, path, overwrite: true);
    }

    public Stream Open(string datasetId, string documentId) =>
        new FileStream(PathOf(datasetId, documentId), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public void Delete(string datasetId, string documentId)
    {
        try
        {
            File.Delete(PathOf(datasetId, documentId));
        }
        catch (IOException)
        {
            // Still open by a reader that is being cancelled; the next save or delete replaces it.
        }
    }

    public void DeleteDataset(string datasetId)
    {
        var folder = Path.Combine(_root, Safe(datasetId));
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // As above.
        }
    }

    /// <summary>One safe path segment per id: API ids (GUIDs) as they are, other ids (CLI-ingested paths) by their hash.</summary>
    private static string Safe(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? id
            : "h" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)));
}
