namespace Dify.Api.Files;

/// <summary>Upload limits (configuration section "Api:Uploads"), Dify's fileUploadConfig defaults.</summary>
public sealed class FileUploadOptions
{
    public const string SectionName = "Api:Uploads";

    /// <summary>Documents and other files (Dify's UPLOAD_FILE_SIZE_LIMIT, 15 MB).</summary>
    public long FileSizeLimitBytes { get; set; } = 15L * 1024 * 1024;

    /// <summary>Images (UPLOAD_IMAGE_FILE_SIZE_LIMIT, 10 MB).</summary>
    public long ImageSizeLimitBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Audio (UPLOAD_AUDIO_FILE_SIZE_LIMIT, 50 MB).</summary>
    public long AudioSizeLimitBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Video (UPLOAD_VIDEO_FILE_SIZE_LIMIT, 100 MB).</summary>
    public long VideoSizeLimitBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Extensions (without the dot) refused with 415, like Dify's UPLOAD_FILE_EXTENSION_BLACKLIST.</summary>
    public List<string> BlockedExtensions { get; set; } = ["exe", "dll", "bat", "cmd", "com", "msi", "scr", "ps1", "vbs", "sh"];

    /// <summary>When not empty, only these extensions (without the dot) are accepted.</summary>
    public List<string> AllowedExtensions { get; set; } = [];

    /// <summary>The limit for a file of Dify type <paramref name="fileType"/> (image, audio, video, document, custom).</summary>
    public long LimitFor(string fileType) => fileType switch
    {
        "image" => ImageSizeLimitBytes,
        "audio" => AudioSizeLimitBytes,
        "video" => VideoSizeLimitBytes,
        _ => FileSizeLimitBytes,
    };

    public long LargestLimit => Math.Max(Math.Max(FileSizeLimitBytes, ImageSizeLimitBytes), Math.Max(AudioSizeLimitBytes, VideoSizeLimitBytes));
}
