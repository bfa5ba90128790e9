namespace Dify.Knowledge.Pipeline;

/// <summary>Dify's indexing_status: the last pipeline step reached; <see cref="Completed"/> and <see cref="Error"/> are final.</summary>
public enum DocumentStatus { Waiting, Parsing, Cleaning, Splitting, Indexing, Completed, Error }

public static class DocumentStatuses
{
    public static string ToDify(this DocumentStatus status) => status.ToString().ToLowerInvariant();

    public static DocumentStatus Parse(string value) =>
        Enum.TryParse<DocumentStatus>(value, ignoreCase: true, out var status) ? status : DocumentStatus.Error;
}
