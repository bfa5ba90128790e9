namespace Dify.Storage.Apps;

public interface IApiKeyStore
{
    Task CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>The key whose token hashes to <paramref name="tokenHash"/>, or null.</summary>
    Task<ApiKeyRecord?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>An app's keys, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string appId, CancellationToken cancellationToken);

    /// <summary>False when the app has no such key.</summary>
    Task<bool> DeleteAsync(string appId, string keyId, CancellationToken cancellationToken);
}
