namespace Dify.Workflows.Dsl;

/// <summary>Result of an import, named as Dify's <c>ImportStatus</c>.</summary>
public enum DslImportStatus { Completed, CompletedWithWarnings, Pending, Failed }

public static class DslImportStatuses
{
    /// <summary>The wire string Dify's import API returns in <c>status</c>.</summary>
    public static string ToDify(this DslImportStatus status) => status switch
    {
        DslImportStatus.Completed => "completed",
        DslImportStatus.CompletedWithWarnings => "completed-with-warnings",
        DslImportStatus.Pending => "pending",
        DslImportStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
