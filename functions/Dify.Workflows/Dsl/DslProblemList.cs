namespace Dify.Workflows.Dsl;

/// <summary>Collects the problems of one file so that every check can report and carry on.</summary>
internal sealed class DslProblemList(string file)
{
    private readonly List<DslProblem> problems = [];

    public string File { get; } = file;

    public IReadOnlyList<DslProblem> All => problems;

    public bool HasErrors => problems.Any(p => !p.IsWarning);

    public void Error(string? nodeId, string? field, string message) => problems.Add(new(File, nodeId, field, message));

    public void Warning(string? nodeId, string? field, string message) => problems.Add(new(File, nodeId, field, message, IsWarning: true));
}
