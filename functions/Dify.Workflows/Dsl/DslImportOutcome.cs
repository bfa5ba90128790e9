namespace Dify.Workflows.Dsl;

/// <summary>
/// What an import produced, shaped like Dify's import result. <see cref="Document"/> is present unless
/// <see cref="Status"/> is failed; <see cref="Problems"/> holds every error and warning found.
/// </summary>
public sealed record DslImportOutcome(
    DslImportStatus Status,
    DslDocument? Document,
    IReadOnlyList<DslProblem> Problems,
    string? ImportedVersion,
    string? Error)
{
    public string CurrentVersion { get; init; } = DslVersion.Current;

    public IEnumerable<DslProblem> Errors => Problems.Where(p => !p.IsWarning);

    public IEnumerable<DslProblem> Warnings => Problems.Where(p => p.IsWarning);
}
