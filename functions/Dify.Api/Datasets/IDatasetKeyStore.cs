using Dify.Storage.Datasets;
using Dify.Storage.Sqlite;

namespace Dify.Api.Datasets;

/// <summary>Dataset API keys (hashes only): the API database locally, a table in Azure.</summary>
public interface IDatasetKeyStore
{
    Task CreateAsync(DatasetKeyRecord key, CancellationToken cancellationToken);

    Task<DatasetKeyRecord?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Every key, oldest first.</summary>
    Task<IReadOnlyList<DatasetKeyRecord>> ListAsync(CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string keyId, CancellationToken cancellationToken);
}

/// <summary>The local host's keys, in the API database.</summary>
public sealed class SqliteDatasetKeys(SqliteDatasetKeyStore store) : IDatasetKeyStore
{
    public Task CreateAsync(DatasetKeyRecord key, CancellationToken cancellationToken) => store.CreateAsync(key, cancellationToken);

    public Task<DatasetKeyRecord?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken) => store.FindByHashAsync(tokenHash, cancellationToken);

    public Task<IReadOnlyList<DatasetKeyRecord>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public Task<bool> DeleteAsync(string keyId, CancellationToken cancellationToken) => store.DeleteAsync(keyId, cancellationToken);
}
