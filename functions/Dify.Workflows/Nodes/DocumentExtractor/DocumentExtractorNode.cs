using System.Text.Json.Nodes;
using Dify.Workflows.Files;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.DocumentExtractor;

public sealed record DocumentExtractorNodeData(Selector VariableSelector);

/// <summary>
/// document-extractor (DIFY-SPEC §2.18): text of a file (output "text": string) or of each file of
/// an array (array[string]). Files are read through <see cref="IFileStorage"/>, bounded in size. Formats the node does
/// not read itself go to the host's <see cref="IDocumentTextExtractor"/> when it has one (PDF in the local and Azure hosts).
/// </summary>
public sealed class DocumentExtractorNode(IFileStorage files, DocumentExtractorOptions? options = null, IDocumentTextExtractor? external = null)
    : NodeExecutor<DocumentExtractorNodeData>
{
    private readonly DocumentExtractorOptions _options = options ?? new DocumentExtractorOptions();
    private readonly TextExtractors _extractors = new(options ?? new DocumentExtractorOptions());

    public override string NodeType => "document-extractor";

    protected override DocumentExtractorNodeData Parse(NodeDataReader reader) =>
        new(reader.Selector("variable_selector", required: true) ?? new Selector("invalid", "invalid"));

    protected override async ValueTask<NodeRunResult> RunAsync(NodeRunContext context, DocumentExtractorNodeData data, CancellationToken cancellationToken)
    {
        var selector = data.VariableSelector;
        if (!context.Pool.TryGet(selector, out var value))
            return NodeRunResult.Failure($"File variable not found for selector: {selector}", "DocumentExtractorError");
        var inputs = new JsonObject { ["variable_selector"] = selector.ToJson() };

        List<JsonObject> documents;
        switch (value)
        {
            case null:
                return Done(new JsonArray(), inputs, []);
            case JsonObject file when FileValue.IsFile(file):
                documents = [file];
                break;
            case JsonArray array when array.All(x => x is null || FileValue.IsFile(x)):
                documents = array.OfType<JsonObject>().ToList();
                break;
            case JsonArray { Count: 0 }:
                return Done(new JsonArray(), inputs, []);
            default:
                return NodeRunResult.Failure($"Variable {selector} is not an ArrayFileSegment", "DocumentExtractorError", inputs);
        }

        try
        {
            if (value is JsonObject)
                return Done(await ExtractAsync(documents[0], cancellationToken).ConfigureAwait(false), inputs, documents);
            var texts = new JsonArray();
            foreach (var file in documents) texts.Add(await ExtractAsync(file, cancellationToken).ConfigureAwait(false));
            return Done(texts, inputs, documents);
        }
        catch (NodeExecutionException e)
        {
            return NodeRunResult.Failure(e.Message, e.ErrorType, inputs) with { ProcessData = ProcessData(documents) };
        }
    }

    private static NodeRunResult Done(JsonNode text, JsonObject inputs, List<JsonObject> documents) =>
        NodeRunResult.Success(new JsonObject { ["text"] = text }, inputs) with { ProcessData = ProcessData(documents) };

    private static JsonObject ProcessData(List<JsonObject> documents) =>
        new() { ["documents"] = new JsonArray(documents.Select(d => (JsonNode?)d.DeepClone()).ToArray()) };

    private async Task<string> ExtractAsync(JsonObject file, CancellationToken cancellationToken)
    {
        var filename = FileValue.GetString(file, "name") ?? "file";
        var extension = FileKinds.NormalizeExtension(FileValue.GetString(file, "extension"));
        if (extension.Length == 0) extension = FileKinds.ExtensionOf(filename);
        var mimeType = FileValue.GetString(file, "mime_type");
        var byHost = !_extractors.Handles(extension, mimeType) && external is not null && external.CanExtract(extension, mimeType);
        // Unsupported formats fail before the download.
        var extractor = byHost ? null : _extractors.Choose(filename, extension, mimeType);

        byte[] bytes;
        try
        {
            await using var stream = await files.OpenReadAsync(file, cancellationToken).ConfigureAwait(false);
            bytes = await BoundedCopy.ReadAllAsync(stream, _options.MaxFileBytes,
                () => $"File '{filename}' is larger than {BoundedCopy.Readable(_options.MaxFileBytes)}.", cancellationToken).ConfigureAwait(false);
        }
        catch (FileStorageException e)
        {
            throw new NodeExecutionException($"Error downloading file: {e.Message}", "FileDownloadError");
        }
        return extractor is not null ? extractor(bytes) : await ExternalAsync(filename, bytes, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> ExternalAsync(string filename, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            return await external!.ExtractAsync(filename, bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (DocumentTextException e)
        {
            throw new NodeExecutionException(e.Message, e.Failure == DocumentTextFailure.Unsupported ? "UnsupportedFileTypeError" : "TextExtractionError");
        }
    }
}
