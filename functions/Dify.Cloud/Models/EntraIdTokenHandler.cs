using System.Net.Http.Headers;
using Azure.Core;

namespace Dify.Cloud.Models;

/// <summary>
/// Signs model calls with an Entra ID token when no key is configured: Azure OpenAI's v1 endpoint accepts
/// <c>Authorization: Bearer</c> tokens for <see cref="Scope"/> (role Cognitive Services OpenAI User). A request that
/// already carries a key (a configured <c>ApiKey</c>) is left alone. Tokens are cached until shortly before they expire.
/// </summary>
public sealed class EntraIdTokenHandler(TokenCredential credential) : DelegatingHandler
{
    public const string Scope = "https://cognitiveservices.azure.com/.default";

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private AccessToken _token;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null && !request.Headers.Contains("api-key"))
        {
            var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(5)) return _token.Token;
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token.ExpiresOn <= DateTimeOffset.UtcNow.AddMinutes(5))
                _token = await credential.GetTokenAsync(new TokenRequestContext([Scope]), cancellationToken).ConfigureAwait(false);
            return _token.Token;
        }
        finally
        {
            _refresh.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _refresh.Dispose();
        base.Dispose(disposing);
    }
}
