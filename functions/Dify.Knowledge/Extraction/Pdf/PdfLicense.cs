using PdfSharp;

namespace Dify.Knowledge.Extraction.Pdf;

/// <summary>How PDFsharp may run: under the AGPL, with a commercial license key, or not at all (the default).</summary>
/// <param name="AcceptAgpl">Run PDFsharp under AGPL-3.0.</param>
/// <param name="LicenseKey">A PDFsharp license key (base64), loaded instead.</param>
public sealed record PdfLicenseChoice(bool AcceptAgpl = false, string? LicenseKey = null)
{
    public bool Chosen => AcceptAgpl || !string.IsNullOrWhiteSpace(LicenseKey);
}

/// <summary>
/// PDFsharp 6.5 (the only PDF library the registry here serves) is licensed AGPL-3.0 or commercially, and refuses to
/// open documents until a license is chosen. Running it under the AGPL has consequences for whoever deploys this
/// engine, so it is opt-in (<see cref="Pipeline.IngestionOptions.AcceptPdfSharpAgplLicense"/> or
/// <see cref="Pipeline.IngestionOptions.PdfSharpLicenseKey"/>); without a choice a PDF fails with a message saying so.
/// </summary>
internal static class PdfLicense
{
    /// <summary>Why a PDF is not read without a choice, and the settings that choose (shown to whoever uploaded it).</summary>
    public const string Reason = "PDF extraction uses PDFsharp 6.5, which is licensed AGPL-3.0 or commercially. "
        + "Set Knowledge:Ingestion:AcceptPdfSharpAgplLicense=true to accept the AGPL terms, or Knowledge:Ingestion:PdfSharpLicenseKey to a license key.";

    public static void Ensure(PdfLicenseChoice? choice, string name)
    {
        if (choice is null || !choice.Chosen)
            throw new UnsupportedDocumentException($"Not supported: PDF '{name}' was not read because {char.ToLowerInvariant(Reason[0])}{Reason[1..]}");
        // Both calls only set PDFsharp's process-wide license state; repeating them is harmless.
        if (!string.IsNullOrWhiteSpace(choice.LicenseKey)) PdfSharpLicense.LoadLicense(choice.LicenseKey);
        else PdfSharpLicense.SetAgplLicense();
    }
}
