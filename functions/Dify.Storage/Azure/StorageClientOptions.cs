using Azure.Core;

namespace Dify.Storage.Azure;

/// <summary>
/// Options shared by <see cref="Blobs.BlobStoreClient"/> and <see cref="Tables.TableStoreClient"/>:
/// retries (inherited <see cref="ClientOptions.Retry"/>: 408, 429 and 5xx are retried with exponential
/// backoff), per-try network timeout (<c>Retry.NetworkTimeout</c>), transport, and the storage API version.
/// </summary>
public sealed class StorageClientOptions : ClientOptions
{
    /// <summary>The <c>x-ms-version</c> sent unless <see cref="ApiVersion"/> is changed (Azurite accepts it).</summary>
    public const string DefaultApiVersion = "2021-12-02";

    /// <summary>Default size of one block when a blob is uploaded in blocks (4 MiB).</summary>
    public const int DefaultUploadBlockSize = 4 * 1024 * 1024;

    /// <summary>Largest block this client will buffer (the service allows 4000 MiB; we keep one block in memory).</summary>
    public const int MaxUploadBlockSize = 256 * 1024 * 1024;

    private int _uploadBlockSize = DefaultUploadBlockSize;

    public StorageClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromMilliseconds(800);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
    }

    /// <summary>Value of the <c>x-ms-version</c> header.</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>
    /// Size of one block for uploads from a stream. A stream that ends within the first block is sent in
    /// one Put Blob; a longer one goes as Put Block per block and a final Put Block List. At most one
    /// block is held in memory.
    /// </summary>
    public int UploadBlockSize
    {
        get => _uploadBlockSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxUploadBlockSize);
            _uploadBlockSize = value;
        }
    }

    /// <summary>Sign Table requests with SharedKeyLite instead of SharedKey (both are accepted by the service).</summary>
    public bool UseSharedKeyLiteForTables { get; set; }
}
