using Dify.Api.Auth;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Storage.Conversations;
using Dify.Storage.Files;
using Dify.Workflows.Files;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Dify.Api.Files;

/// <summary>
/// <c>POST /files/upload</c> (multipart <c>file</c> + <c>user</c>), <c>GET /files/{id}/preview</c> (app key) and the
/// signed <c>GET /files/{id}/file-preview</c> outside /v1 that upload answers point to as <c>source_url</c>.
/// </summary>
public static class FileEndpoints
{
    /// <summary>Room for the multipart framing and the other form fields around the file.</summary>
    private const long FormOverheadBytes = 64 * 1024;

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/files/upload", UploadAsync);
        v1.MapGet("/files/{fileId}/preview", PreviewAsync);
    }

    /// <summary>Maps the signed preview route at the root (no app key: the signature grants access).</summary>
    public static void MapSigned(IEndpointRouteBuilder root) => root.MapGet("/files/{fileId}/file-preview", SignedPreviewAsync);

    private static async Task<IResult> UploadAsync(HttpContext http, IEndUserStore users, FileUploader uploader, FileUrlSigner signer, IOptions<FileUploadOptions> options)
    {
        var ct = http.RequestAborted;
        var app = http.App();
        if (!http.Request.HasFormContentType) throw ApiErrors.NoFileUploaded();
        var limit = options.Value.LargestLimit + FormOverheadBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        if (http.Request.ContentLength > limit) throw ApiErrors.FileTooLarge($"File size exceeded. The limit is {options.Value.LargestLimit / 1024 / 1024} MB.");

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw ApiErrors.FileTooLarge($"File size exceeded. The limit is {options.Value.LargestLimit / 1024 / 1024} MB.");
        }
        catch (InvalidDataException ex)
        {
            throw ApiErrors.BadRequest("Invalid multipart body: " + ex.Message);
        }
        if (form.Files.Count == 0 || form.Files.GetFile("file") is not { } file) throw ApiErrors.NoFileUploaded();
        if (form.Files.Count > 1) throw ApiErrors.TooManyFiles();

        var user = form["user"].ToString() is { Length: > 0 } u ? u : RequestArgs.DefaultUser;
        var endUser = await users.GetOrCreateAsync(app.Id, user, ct);
        var record = await uploader.UploadAsync(app.Id, endUser, file, ct);
        return ApiJson.Result(FilePayloads.Upload(record, signer.PreviewUrl(http.Request, record.Id)), StatusCodes.Status201Created);
    }

    private static async Task PreviewAsync(HttpContext http, string fileId, IUploadFileStore uploads, IFileContentStore storage)
    {
        var ct = http.RequestAborted;
        var app = http.App();
        var record = await uploads.GetAsync(app.Id, fileId, ct);
        if (record is null || await storage.GetInfoAsync(record.Id, ct) is null) throw ApiErrors.NotFound("File not found.");
        await WriteFileAsync(http, record, storage, ct);
    }

    private static async Task SignedPreviewAsync(HttpContext http, string fileId, IUploadFileStore uploads, IFileContentStore storage, FileUrlSigner signer)
    {
        var ct = http.RequestAborted;
        var query = http.Request.Query;
        string? timestamp = query["timestamp"], nonce = query["nonce"], sign = query["sign"];
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(sign))
            throw ApiErrors.InvalidParam("Invalid request: timestamp, nonce and sign are required.");
        // One answer for a bad signature, an expired one and an unknown file: nothing to learn by probing.
        if (!signer.Verify(fileId, timestamp, nonce, sign)
            || await uploads.FindAsync(fileId, ct) is not { } record
            || await storage.GetInfoAsync(record.Id, ct) is null)
            throw ApiErrors.NotFound("File not found or signature is invalid");
        await WriteFileAsync(http, record, storage, ct);
    }

    private static async Task WriteFileAsync(HttpContext http, UploadFileRecord record, IFileContentStore storage, CancellationToken ct)
    {
        await using var content = await storage.OpenReadAsync(Dify.Workflows.Values.FileValue.Create("custom", "local_file", record.Name, record.Extension, record.MimeType, record.Size, relatedId: record.Id), ct);

        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = record.MimeType;
        response.ContentLength = record.Size;
        response.Headers.CacheControl = "private, max-age=3600";
        if (RequestArgs.Query(http.Request, "as_attachment") is "true" or "True" or "1")
        {
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(record.Name);
            response.Headers.ContentDisposition = disposition.ToString();
        }
        await content.CopyToAsync(response.Body, ct);
    }
}
