namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>Dify's HTTP_REQUEST_* settings, with Dify's defaults.</summary>
public sealed record HttpRequestNodeOptions
{
    public int DefaultConnectTimeoutSeconds { get; init; } = 10;
    public int DefaultReadTimeoutSeconds { get; init; } = 600;
    public int DefaultWriteTimeoutSeconds { get; init; } = 600;

    /// <summary>HTTP_REQUEST_NODE_MAX_TEXT_SIZE (1 MiB).</summary>
    public long MaxTextBytes { get; init; } = 1024 * 1024;

    /// <summary>HTTP_REQUEST_NODE_MAX_BINARY_SIZE (10 MiB).</summary>
    public long MaxBinaryBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>HTTP_REQUEST_NODE_SSL_VERIFY: used when a node does not say.</summary>
    public bool DefaultSslVerify { get; init; } = true;

    /// <summary>Largest request file (binary / form-data bodies) read from storage.</summary>
    public long MaxRequestFileBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Name passed to <see cref="System.Net.Http.IHttpClientFactory.CreateClient(string)"/> when a factory is used.</summary>
    public string HttpClientName { get; init; } = "dify-http-request";
}
