using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Api.Errors;
using Dify.Storage.Conversations;
using Dify.Storage.Files;
using Dify.Workflows.Files;
using Dify.Workflows.Values;

namespace Dify.Api.Files;

/// <summary>
/// Turns the file objects of a request (<c>{type, transfer_method, upload_file_id | url}</c>, in
/// <c>files</c> and in file / file-list start inputs) into the engine's file values before a run
/// starts. local_file ids must be uploads of the same app and end user; remote_url files pass through
/// as remote files. File values sent by the client are never trusted as they are. The app's
/// <c>features.file_upload</c> rules apply to <c>files</c> (ignored when the feature is off, as in Dify),
/// a start variable's <c>allowed_file_*</c> and <c>max_length</c> to its input.
/// </summary>
public sealed class FileInputResolver(IUploadFileStore uploads)
{
    private static readonly HashSet<string> FileTypes = ["image", "document", "audio", "video", "custom"];

    /// <summary>The request's <c>files</c> as sys.files.</summary>
    public async Task<JsonArray> ResolveFilesAsync(ActiveApp app, EndUserRecord user, JsonArray? files, CancellationToken cancellationToken)
    {
        var resolved = new JsonArray();
        if (files is not { Count: > 0 } || FileUploadRules.FromFeatures(app.Definition.Document.Features) is not { } rules) return resolved;
        var types = new List<string>();
        foreach (var item in files)
        {
            var file = await ResolveAsync(app, user, item, "files", rules, cancellationToken);
            types.Add(file["type"]!.GetValue<string>());
            resolved.Add(file);
        }
        rules.CheckCount(types, "files");
        return resolved;
    }

    /// <summary>A copy of <paramref name="inputs"/> with file and file-list inputs resolved.</summary>
    public async Task<JsonObject?> ResolveInputsAsync(ActiveApp app, EndUserRecord user, JsonObject? inputs, CancellationToken cancellationToken)
    {
        if (inputs is null) return null;
        var variables = (app.Definition.StartForm?.Variables ?? []).ToDictionary(v => v.Variable, StringComparer.Ordinal);
        var result = new JsonObject();
        foreach (var (name, value) in inputs)
        {
            var variable = variables.GetValueOrDefault(name);
            if (variable?.Type == "file" && value is JsonObject)
            {
                result[name] = await ResolveAsync(app, user, value, name, FileUploadRules.FromStartVariable(variable), cancellationToken);
            }
            else if (variable?.Type == "file-list" && value is JsonArray list)
            {
                var rules = FileUploadRules.FromStartVariable(variable);
                rules.CheckCount(list.Select(_ => "").ToList(), name);
                var files = new JsonArray();
                foreach (var item in list) files.Add(await ResolveAsync(app, user, item, name, rules, cancellationToken));
                result[name] = files;
            }
            else
            {
                if (ContainsFileValue(value)) throw ApiErrors.InvalidParam($"{name} in input form must not be a file value");
                result[name] = value?.DeepClone();
            }
        }
        return result;
    }

    private async Task<JsonObject> ResolveAsync(ActiveApp app, EndUserRecord user, JsonNode? item, string field, FileUploadRules rules, CancellationToken cancellationToken)
    {
        if (item is not JsonObject file) throw ApiErrors.InvalidParam($"{field} must contain file objects");
        var type = Text(file, "type") ?? "custom";
        if (!FileTypes.Contains(type)) throw ApiErrors.InvalidParam($"Invalid file type: {type}");
        switch (Text(file, "transfer_method"))
        {
            case "local_file":
            {
                var id = Text(file, "upload_file_id") ?? throw ApiErrors.InvalidParam("upload_file_id is required for local_file");
                var upload = await uploads.GetAsync(app.Id, id, cancellationToken);
                if (upload is null || upload.EndUserId != user.Id) throw ApiErrors.InvalidParam($"Invalid upload file id: {id}");
                var detected = FileKinds.TypeOf(upload.Extension, upload.MimeType);
                if (type != "custom" && type != detected)
                    throw ApiErrors.InvalidParam("Detected file type does not match the specified type. Please verify the file.");
                rules.Check(type, upload.Extension, "local_file", upload.Name);
                return FileValue.Create(type, "local_file", upload.Name, FileKinds.NormalizeExtension(upload.Extension), upload.MimeType, upload.Size,
                    relatedId: upload.Id, id: upload.Id);
            }
            case "remote_url":
            {
                var url = Text(file, "url") ?? Text(file, "remote_url") ?? throw ApiErrors.InvalidParam("url is required for remote_url");
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    throw ApiErrors.InvalidParam($"Invalid file url: {url}");
                var name = Path.GetFileName(Uri.UnescapeDataString(uri.AbsolutePath));
                var extension = FileKinds.ExtensionOf(name);
                rules.Check(type, extension, "remote_url", name.Length == 0 ? url : name);
                return FileValue.Create(type, "remote_url", name.Length == 0 ? null : name, extension, FileKinds.GuessMimeType(name), -1, remoteUrl: url);
            }
            default:
                throw ApiErrors.InvalidParam("transfer_method must be one of: remote_url, local_file");
        }
    }

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s : null;

    private static bool ContainsFileValue(JsonNode? node) => node switch
    {
        JsonObject o => FileValue.IsFile(o) || o.Any(p => ContainsFileValue(p.Value)),
        JsonArray a => a.Any(ContainsFileValue),
        _ => false,
    };
}
