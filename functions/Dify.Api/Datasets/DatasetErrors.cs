using Dify.Api.Errors;

namespace Dify.Api.Datasets;

/// <summary>The Knowledge API's Dify error codes and messages.</summary>
internal static class DatasetErrors
{
    public static ApiException NameDuplicate() => new(409, "dataset_name_duplicate", "The dataset name already exists. Please modify your dataset name.");
    public static ApiException DatasetNotFound() => ApiErrors.NotFound("Dataset not found.");
    public static ApiException DocumentNotFound() => ApiErrors.NotFound("Document not found.");
    public static ApiException SegmentNotFound() => ApiErrors.NotFound("Segment not found.");
    public static ApiException NoFileUploaded() => new(400, "no_file_uploaded", "Please upload your file.");
    public static ApiException TooManyFiles() => new(400, "too_many_files", "Only one file is allowed.");
    public static ApiException FilenameMissing() => new(400, "filename_not_exists_error", "The specified filename does not exist.");
    public static ApiException FileTooLarge(long max) => new(413, "file_too_large", $"File size exceeded. The limit is {max / (1024 * 1024)} MB.");
    public static ApiException UnsupportedFileType() => new(415, "unsupported_file_type", "File type not allowed.");
}
