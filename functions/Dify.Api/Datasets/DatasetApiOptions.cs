namespace Dify.Api.Datasets;

/// <summary>Knowledge API settings (configuration section "Datasets").</summary>
public sealed class DatasetApiOptions
{
    public const string SectionName = "Datasets";

    /// <summary>Documents ingested at once in the background. Default 2; 0 pauses ingestion (documents stay queued, and are taken up by the next start with workers).</summary>
    public int MaxConcurrentIngestions { get; set; } = 2;

    /// <summary>Largest uploaded file (Dify's UPLOAD_FILE_SIZE_LIMIT, 15 MB); beyond it 413 file_too_large.</summary>
    public long MaxFileBytes { get; set; } = 15L * 1024 * 1024;

    /// <summary>Largest JSON body (create-by-text carries the whole text). Default 16 MB.</summary>
    public long MaxJsonBodyBytes { get; set; } = 16L * 1024 * 1024;
}
