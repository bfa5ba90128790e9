using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Splitting;
using Microsoft.AspNetCore.Http;

namespace Dify.Api.Datasets;

/// <summary>The content of a create/update call: the document's name, its source and the upload_file it stands for.</summary>
public sealed record DocumentSource(string? Name, Stream Content, string SourceName, long Size, string Extension, string MimeType);

/// <summary>
/// Creates or replaces a document from text or a file: checks the settings (indexing_technique, doc_form, process_rule)
/// as Dify does, saves the source, registers the document as waiting and queues its ingestion. Answers
/// <c>{document, batch}</c> at once; clients poll indexing-status.
/// </summary>
internal sealed class DocumentSubmission(IDatasetBackend backend)
{
    private static readonly string[] DocForms = ["text_model", "hierarchical_model", "qa_model"];

    public async Task<IResult> SubmitAsync(HttpContext http, string datasetId, string? documentId, JsonObject settings, DocumentSource source)
    {
        var ct = http.RequestAborted;
        var (dataset, datasetAttributes) = await DatasetAccess.DatasetAsync(backend, datasetId, ct);
        (Knowledge.Pipeline.DocumentRecord? Document, JsonObject? Attributes) existing =
            documentId is null ? (null, null) : await DatasetAccess.DocumentAsync(backend, datasetId, documentId, ct);

        var technique = DatasetAccess.Technique(dataset, datasetAttributes);
        var givenTechnique = DatasetEndpoints.Technique(settings);
        if (technique is null && givenTechnique is null) throw ApiErrors.InvalidParam("indexing_technique is required.");

        var rule = Rule(settings, existing.Document?.ProcessRule ?? datasetAttributes["process_rule"] as JsonObject);
        var docForm = JsonArgs.String(settings, "doc_form") ?? existing.Attributes?["doc_form"]?.GetValue<string>()
            ?? (rule.Mode == ProcessRuleMode.Hierarchical ? "hierarchical_model" : datasetAttributes["doc_form"]?.GetValue<string>() ?? "text_model");
        if (!DocForms.Contains(docForm)) throw ApiErrors.InvalidParam("doc_form must be one of: text_model, hierarchical_model, qa_model");
        if (docForm == "qa_model") throw ApiErrors.InvalidParam("qa_model (LLM-written Q&A segments) is not supported by this engine.");
        if ((docForm == "hierarchical_model") != (rule.Mode == ProcessRuleMode.Hierarchical))
            throw ApiErrors.InvalidParam("process_rule.mode must be hierarchical exactly when doc_form is hierarchical_model.");
        if (datasetAttributes["doc_form"]?.GetValue<string>() is { } datasetForm && datasetForm != docForm)
            throw ApiErrors.InvalidParam("doc_form is different from the dataset doc_form.");

        if (technique is null)
        {
            dataset = dataset with { IndexingTechnique = DatasetRecord.ParseTechnique(givenTechnique) };
            datasetAttributes["indexing_technique"] = givenTechnique;
            await backend.SaveDatasetAsync(dataset, ct);
        }
        datasetAttributes["doc_form"] = docForm;
        datasetAttributes["process_rule"] = ProcessRuleJson.Write(rule);
        await backend.SetAttributesAsync(datasetId, null, datasetAttributes, ct);

        var id = documentId ?? Guid.NewGuid().ToString();
        var batch = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + RandomNumberGenerator.GetInt32(100000, 1000000);
        var attributes = existing.Attributes ?? new JsonObject
        {
            ["position"] = (await backend.ListDocumentsAsync(datasetId, ct)).Count + 1,
            ["created_from"] = "api",
            ["created_by"] = DatasetAccess.KeyId(http),
            ["data_source_type"] = "upload_file",
        };
        var uploadId = Guid.NewGuid().ToString();
        attributes["batch"] = batch;
        attributes["doc_form"] = docForm;
        attributes["doc_language"] = JsonArgs.String(settings, "doc_language") ?? attributes["doc_language"]?.GetValue<string>() ?? "English";
        attributes["source_name"] = source.SourceName;
        attributes["process_rule_id"] = Guid.NewGuid().ToString();
        attributes["data_source_info"] = new JsonObject { ["upload_file_id"] = uploadId };
        attributes["data_source_detail_dict"] = new JsonObject
        {
            ["upload_file"] = new JsonObject
            {
                ["id"] = uploadId,
                ["name"] = source.Name ?? existing.Document?.Name,
                ["size"] = source.Size,
                ["extension"] = source.Extension,
                ["mime_type"] = source.MimeType,
                ["created_by"] = DatasetAccess.KeyId(http),
                ["created_at"] = DatasetAccess.Now(),
            },
        };

        var record = await backend.SubmitDocumentAsync(datasetId, id, source.Name ?? existing.Document!.Name, rule, attributes, source, ct);
        return Http.ApiJson.Result(new JsonObject { ["document"] = DocumentJson.Write(record, attributes), ["batch"] = batch });
    }

    /// <summary>process_rule as given, else the document's (update) or the dataset's latest, else automatic; checked against Dify's limits.</summary>
    private static ProcessRule Rule(JsonObject settings, JsonObject? fallback)
    {
        var given = JsonArgs.Object(settings, "process_rule");
        try
        {
            var rule = ProcessRuleJson.Parse(given ?? fallback);
            if (given is not null && JsonArgs.String(given, "mode") is { } mode && mode is not ("automatic" or "custom" or "hierarchical"))
                throw new ArgumentException("process_rule.mode must be one of: automatic, custom, hierarchical");
            rule.Validate();
            return rule;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw ApiErrors.InvalidParam(e.Message);
        }
    }
}
