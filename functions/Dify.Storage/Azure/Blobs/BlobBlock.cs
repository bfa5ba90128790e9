namespace Dify.Storage.Azure.Blobs;

/// <summary>One committed block of a block blob: its id (base64) and size in bytes.</summary>
public sealed record BlobBlock(string Name, long Size);
