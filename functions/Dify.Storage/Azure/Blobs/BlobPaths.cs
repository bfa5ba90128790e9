namespace Dify.Storage.Azure.Blobs;

/// <summary>URL paths for containers and blobs; blob names keep their '/' separators, everything else is escaped.</summary>
internal static class BlobPaths
{
    public static string Container(string container)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        return Uri.EscapeDataString(container);
    }

    public static string Blob(string container, string blobName)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        return Container(container) + "/" + string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));
    }
}
