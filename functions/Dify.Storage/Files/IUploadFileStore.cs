namespace Dify.Storage.Files;

/// <summary>Who uploaded which file to which app (the bytes are kept by the file storage).</summary>
public interface IUploadFileStore
{
    Task AddAsync(UploadFileRecord file, CancellationToken cancellationToken);

    /// <summary>The upload, only when it belongs to <paramref name="appId"/>.</summary>
    Task<UploadFileRecord?> GetAsync(string appId, string id, CancellationToken cancellationToken);
}
