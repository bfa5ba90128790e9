using Dify.Knowledge.Extraction;
using Dify.Knowledge.Extraction.Pdf;

namespace Dify.Knowledge.Pipeline.Steps;

/// <summary>parsing: opens the document's text (plain text streams; HTML, DOCX, XLSX and PDF are converted) and hashes the bytes read.</summary>
internal sealed class ParseStep(IngestionOptions options) : IIngestionStep
{
    public DocumentStatus Status => DocumentStatus.Parsing;
    public string? CompletedColumn => "parsing_completed_at";

    public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var source = context.Source ?? throw new InvalidOperationException("Parsing needs the document's content.");
        Stream input = source;
        if (context.SourceHash is null)
        {
            context.Hasher = new HashingStream(source);
            input = context.Hasher;
        }
        context.Text = await DocumentText.OpenAsync(context.SourceName ?? context.Name, input, options.MaxConvertedBytes, cancellationToken,
            new PdfLicenseChoice(options.AcceptPdfSharpAgplLicense, options.PdfSharpLicenseKey)).ConfigureAwait(false);
    }
}
