using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Dify.Storage.Azure.Connection;

namespace Dify.Storage.Azure.Pipeline;

/// <summary>
/// One Azure.Core pipeline for one service endpoint: version + date headers, the credential's policy,
/// retries by <see cref="StorageResponseClassifier"/>. <see cref="SendAsync"/> turns any unexpected
/// status or transport failure into <see cref="StorageRequestException"/>.
/// </summary>
internal sealed class StoragePipeline
{
    /// <summary>Token scope for Entra ID (managed identity, workload identity, developer sign-in).</summary>
    public const string TokenScope = "https://storage.azure.com/.default";

    private readonly HttpPipeline _pipeline;

    /// <param name="credential">A <see cref="StorageSharedKeyCredential"/>, <see cref="AzureSasCredential"/>, <see cref="TokenCredential"/>, or null (anonymous).</param>
    public StoragePipeline(Uri endpoint, object? credential, StorageService service, StorageClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The service endpoint must be an absolute http(s) URI.", nameof(endpoint));
        }
        if (!string.IsNullOrEmpty(endpoint.Query))
        {
            throw new ArgumentException("Pass a SAS as an AzureSasCredential, not in the endpoint's query.", nameof(endpoint));
        }
        options ??= new StorageClientOptions();
        Options = options;
        Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/'));

        var perCall = new List<HttpPipelinePolicy> { new ApiVersionPolicy(options.ApiVersion) };
        var perRetry = new List<HttpPipelinePolicy> { RequestDatePolicy.Shared };
        switch (credential)
        {
            case null:
                break;
            case StorageSharedKeyCredential sharedKey:
                perRetry.Add(service == StorageService.Table
                    ? new TableSharedKeyPolicy(sharedKey, options.UseSharedKeyLiteForTables)
                    : new BlobSharedKeyPolicy(sharedKey));
                break;
            case AzureSasCredential sas:
                perCall.Add(new SasPolicy(sas));
                break;
            case TokenCredential token:
                if (endpoint.Scheme != "https")
                {
                    throw new ArgumentException("Token (Entra ID) authentication needs an https endpoint.", nameof(endpoint));
                }
                perRetry.Add(new BearerTokenAuthenticationPolicy(token, TokenScope));
                break;
            default:
                throw new ArgumentException($"Unsupported credential type {credential.GetType().Name}.", nameof(credential));
        }
        _pipeline = HttpPipelineBuilder.Build(options, [.. perCall], [.. perRetry], StorageResponseClassifier.Shared);
    }

    /// <summary>The service root without a trailing slash, e.g. <c>http://127.0.0.1:10000/devstoreaccount1</c>.</summary>
    public Uri Endpoint { get; }

    public StorageClientOptions Options { get; }

    /// <summary>A message for <c>{Endpoint}/{path}</c>; <paramref name="escapedPath"/> must already be URL-escaped.</summary>
    public HttpMessage CreateMessage(RequestMethod method, string escapedPath)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(Endpoint);
        if (escapedPath.Length > 0)
        {
            message.Request.Uri.AppendPath("/" + escapedPath, escape: false);
        }
        return message;
    }

    /// <summary>Sends <paramref name="message"/>; returns its response when the status is one of <paramref name="expected"/>, else throws.</summary>
    public async Task<Response> SendAsync(HttpMessage message, int[] expected, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            throw new StorageRequestException(0, null, null, $"{Describe(message)} timed out.", e);
        }
        catch (RequestFailedException e) when (e is not StorageRequestException)
        {
            throw new StorageRequestException(e.Status, e.ErrorCode, null, $"{Describe(message)} failed: {e.Message}", e);
        }
        catch (AggregateException e)
        {
            // Azure.Core's retry policy gathers every try's transport failure; report the last one.
            var last = e.InnerExceptions.Count > 0 ? e.InnerExceptions[^1] : e;
            throw new StorageRequestException(0, null, null, $"{Describe(message)} failed after {e.InnerExceptions.Count} tries: {last.Message}", e);
        }

        var response = message.Response;
        if (Array.IndexOf(expected, response.Status) >= 0) return response;
        throw await StorageErrorReader.ReadAsync(response, Describe(message), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Method and path only: the query may carry a SAS token.</summary>
    private static string Describe(HttpMessage message) => $"{message.Request.Method.Method} {message.Request.Uri.Path}";
}
