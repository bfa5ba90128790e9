namespace Dify.Storage.Files;

/// <summary>Who uploaded which file to which app (the bytes are kept by the file storage).</summary>
public interface IUploadFileStore
{
    Task AddAsync(UploadFileRecord file, CancellationToken cancellationToken);

    /// <summary>The upload, only when it belongs to <paramref name="appId"/>.</summary>
    Task<UploadFileRecord?> GetAsync(string appId, string id, CancellationToken cancellationToken);

    /// <summary>The upload by id alone, for signed preview URLs (the signature, not an app key, grants access).</summary>
    Task<UploadFileRecord?> FindAsync(string id, CancellationToken cancellationToken);
}
