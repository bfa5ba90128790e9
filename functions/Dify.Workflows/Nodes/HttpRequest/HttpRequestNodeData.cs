using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>authorization: no-auth, or api-key with config {type: basic|bearer|custom, api_key (template), header}.</summary>
public sealed record HttpAuthorization(string Type, string? KeyType, string ApiKey, string? Header)
{
    public static HttpAuthorization None { get; } = new("no-auth", null, "", null);
}

/// <summary>One body item: text (key/value templates) or file (a selector).</summary>
public sealed record HttpBodyItem(string Key, string Type, string Value, Selector? File);

public sealed record HttpBody(string Type, IReadOnlyList<HttpBodyItem> Data);

/// <summary>Seconds; null means "use the default" (0 or missing in the DSL).</summary>
public sealed record HttpTimeouts(int? Connect, int? Read, int? Write);

public sealed record HttpRequestNodeData(
    string Method,
    string Url,
    HttpAuthorization Authorization,
    string Headers,
    string Params,
    HttpBody? Body,
    HttpTimeouts Timeout,
    bool? SslVerify,
    /// <summary>True when the node has an error strategy or retry: then a non-2xx status fails the node (Dify).</summary>
    bool FailOnErrorStatus);
