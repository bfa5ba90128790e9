using Azure;

namespace Dify.Storage.Azure.Connection;

/// <summary>
/// A parsed Azure Storage connection string. Understands <c>UseDevelopmentStorage=true</c> (with an
/// optional <c>DevelopmentStorageProxyUri</c>), account name + key with <c>DefaultEndpointsProtocol</c>
/// and <c>EndpointSuffix</c>, explicit <c>BlobEndpoint</c>/<c>QueueEndpoint</c>/<c>TableEndpoint</c>,
/// and <c>SharedAccessSignature</c>. <see cref="ToString"/> never shows the key or the signature.
/// </summary>
public sealed class StorageConnectionString
{
    /// <summary>Azurite's (and the old emulator's) well-known account.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known key; public by design, not a secret.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private StorageConnectionString(string? accountName, Uri? blob, Uri? queue, Uri? table,
        StorageSharedKeyCredential? sharedKey, AzureSasCredential? sas, bool isDevelopment)
    {
        AccountName = accountName;
        BlobEndpoint = blob;
        QueueEndpoint = queue;
        TableEndpoint = table;
        SharedKey = sharedKey;
        SharedAccessSignature = sas;
        IsDevelopmentStorage = isDevelopment;
    }

    public string? AccountName { get; }
    public Uri? BlobEndpoint { get; }
    public Uri? QueueEndpoint { get; }
    public Uri? TableEndpoint { get; }

    /// <summary>Set when the string has an <c>AccountKey</c> (or is development storage).</summary>
    public StorageSharedKeyCredential? SharedKey { get; }

    /// <summary>Set when the string has a <c>SharedAccessSignature</c> (without a leading '?').</summary>
    public AzureSasCredential? SharedAccessSignature { get; }

    public bool IsDevelopmentStorage { get; }

    /// <summary>Parses <paramref name="connectionString"/>; throws <see cref="FormatException"/> naming the problem (never the secret).</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = ConnectionStringSettings.Split(connectionString);

        if (settings.TryGetValue("UseDevelopmentStorage", out var dev))
        {
            if (!bool.TryParse(dev, out var useDev) || !useDev)
            {
                throw new FormatException("UseDevelopmentStorage must be 'true' when present.");
            }
            return Development(settings.GetValueOrDefault("DevelopmentStorageProxyUri"));
        }

        var accountName = settings.GetValueOrDefault("AccountName");
        var accountKey = settings.GetValueOrDefault("AccountKey");
        var sasText = settings.GetValueOrDefault("SharedAccessSignature");
        if (accountKey is not null && sasText is not null)
        {
            throw new FormatException("A connection string may hold AccountKey or SharedAccessSignature, not both.");
        }
        if (accountKey is not null && accountName is null)
        {
            throw new FormatException("AccountKey needs AccountName.");
        }

        StorageSharedKeyCredential? sharedKey = null;
        if (accountKey is not null)
        {
            try
            {
                sharedKey = new StorageSharedKeyCredential(accountName!, accountKey);
            }
            catch (ArgumentException e)
            {
                throw new FormatException("AccountKey is not valid base64.", e);
            }
        }
        var sas = sasText is null ? null : new AzureSasCredential(sasText.TrimStart('?'));

        var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol") ?? "https";
        if (protocol is not ("http" or "https"))
        {
            throw new FormatException("DefaultEndpointsProtocol must be http or https.");
        }
        var suffix = settings.GetValueOrDefault("EndpointSuffix") ?? "core.windows.net";

        Uri? Endpoint(string key, string service)
        {
            if (settings.TryGetValue(key, out var explicitEndpoint))
            {
                if (!Uri.TryCreate(explicitEndpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    throw new FormatException($"{key} is not an absolute http(s) URI.");
                }
                return uri;
            }
            return accountName is null ? null : new Uri($"{protocol}://{accountName}.{service}.{suffix}");
        }

        var blob = Endpoint("BlobEndpoint", "blob");
        var queue = Endpoint("QueueEndpoint", "queue");
        var table = Endpoint("TableEndpoint", "table");
        if (blob is null && queue is null && table is null)
        {
            throw new FormatException("The connection string names no account (AccountName) and no endpoint (BlobEndpoint, QueueEndpoint, TableEndpoint).");
        }
        return new StorageConnectionString(accountName ?? sharedKey?.AccountName, blob, queue, table, sharedKey, sas, isDevelopment: false);
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse(string? connectionString, out StorageConnectionString? result)
    {
        result = null;
        if (connectionString is null) return false;
        try
        {
            result = Parse(connectionString);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Blob endpoint or a clear error when the string has none.</summary>
    internal Uri RequireBlobEndpoint() => BlobEndpoint ?? throw new InvalidOperationException("The connection string has no blob endpoint.");

    internal Uri RequireTableEndpoint() => TableEndpoint ?? throw new InvalidOperationException("The connection string has no table endpoint.");

    public override string ToString() =>
        $"StorageConnectionString(Account={AccountName ?? "-"}, Blob={BlobEndpoint}, Queue={QueueEndpoint}, Table={TableEndpoint}, " +
        $"Auth={(SharedKey is not null ? "SharedKey" : SharedAccessSignature is not null ? "SAS" : "none")})";

    private static StorageConnectionString Development(string? proxy)
    {
        var root = "http://127.0.0.1";
        if (proxy is not null)
        {
            if (!Uri.TryCreate(proxy, UriKind.Absolute, out var proxyUri))
            {
                throw new FormatException("DevelopmentStorageProxyUri is not an absolute URI.");
            }
            root = $"{proxyUri.Scheme}://{proxyUri.Host}";
        }
        return new StorageConnectionString(
            DevelopmentAccountName,
            new Uri($"{root}:10000/{DevelopmentAccountName}"),
            new Uri($"{root}:10001/{DevelopmentAccountName}"),
            new Uri($"{root}:10002/{DevelopmentAccountName}"),
            new StorageSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey),
            sas: null,
            isDevelopment: true);
    }
}
