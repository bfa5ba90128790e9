using Dify.Knowledge.Splitting;

namespace Dify.Knowledge.Triggers;

/// <summary>Settings of <see cref="FolderWatcher"/>.</summary>
public sealed class FolderWatcherOptions
{
    /// <summary>The root: files at <c>{Root}/documents/{dataset_id}/{path}</c> are documents of that dataset.</summary>
    public string Root { get; set; } = ".";

    /// <summary>Quiet time after the last change before a file is ingested (lets copies finish). Default 300 ms.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Full rescans, the safety net for events the file system drops. Default 30 s.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How watched files are chunked. Default Dify's automatic rule.</summary>
    public ProcessRule ProcessRule { get; set; } = ProcessRule.Automatic;

    /// <summary>Create a dataset (named after its folder, embedded embedder) when a folder has none. Default true.</summary>
    public bool CreateMissingDatasets { get; set; } = true;
}
