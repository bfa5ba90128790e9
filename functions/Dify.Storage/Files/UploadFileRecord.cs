namespace Dify.Storage.Files;

/// <summary>A file an end user uploaded through the Service API; the bytes live in the file storage under <see cref="Id"/>.</summary>
public sealed record UploadFileRecord(
    string Id,
    string AppId,
    string EndUserId,
    string Name,
    long Size,
    string Extension,
    string MimeType,
    DateTimeOffset CreatedAt);
