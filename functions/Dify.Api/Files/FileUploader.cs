using System.Globalization;
using Dify.Api.Errors;
using Dify.Storage.Conversations;
using Dify.Storage.Files;
using Dify.Workflows.Files;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Api.Files;

/// <summary>
/// Checks an uploaded file against the limits (type by extension and mime type, size by Dify file
/// type), keeps its bytes in the file storage and records it for the app and end user.
/// </summary>
public sealed class FileUploader(IFileContentStore storage, IUploadFileStore uploads, IOptions<FileUploadOptions> options, TimeProvider time, ILogger<FileUploader> logger)
{
    public async Task<UploadFileRecord> UploadAsync(string appId, EndUserRecord user, IFormFile file, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (string.IsNullOrWhiteSpace(file.FileName)) throw ApiErrors.FilenameNotExists();
        var name = file.FileName;
        var extension = FileKinds.ExtensionOf(name).TrimStart('.');
        var mime = string.IsNullOrWhiteSpace(file.ContentType) ? null : FileKinds.BareMime(file.ContentType);
        if (mime is null or "application/octet-stream") mime = FileKinds.GuessMimeType(name) ?? mime;
        if (mime is null) throw ApiErrors.UnsupportedFileType();
        if (limits.BlockedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase)
            || (limits.AllowedExtensions.Count > 0 && !limits.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
            || !MimeFitsExtension(mime, extension))
            throw ApiErrors.UnsupportedFileType();

        var type = FileKinds.TypeOf(extension, mime);
        var limit = limits.LimitFor(type);
        if (file.Length > limit)
            throw ApiErrors.FileTooLarge($"File size exceeded. {Megabytes(file.Length)} MB > {Megabytes(limit)} MB");

        await using var content = file.OpenReadStream();
        var saved = await storage.SaveAsync(name, mime, content, "local_file", cancellationToken);
        var id = Guid.Parse(saved["related_id"]!.GetValue<string>()).ToString();
        var record = new UploadFileRecord(id, appId, user.Id, saved["filename"]?.GetValue<string>() ?? name, file.Length, extension, mime, time.GetUtcNow());
        await uploads.AddAsync(record, cancellationToken);
        logger.LogInformation("Stored upload {FileId} ({Size} bytes, {MimeType}) for app {AppId}", id, file.Length, mime, appId);
        return record;
    }

    /// <summary>A declared mime type that names another known kind than the extension does (an image sent as .exe) is refused.</summary>
    private static bool MimeFitsExtension(string mime, string extension)
    {
        if (extension.Length == 0 || FileKinds.GuessMimeType("f." + extension) is not { } expected) return true;
        var kind = mime.Split('/')[0];
        var expectedKind = expected.Split('/')[0];
        return kind is not ("image" or "audio" or "video") || kind == expectedKind;
    }

    private static string Megabytes(long bytes) => (bytes / 1024d / 1024d).ToString("0.##", CultureInfo.InvariantCulture);
}
