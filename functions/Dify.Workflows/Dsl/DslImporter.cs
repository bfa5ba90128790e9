using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Dsl;

/// <summary>
/// Imports a Dify app file (YAML or JSON) the way Dify's <c>AppDslService.import_app</c> does, then checks
/// the graph's structure so that a broken file fails here, with every problem named, rather than mid-run.
/// </summary>
public sealed class DslImporter
{
    public DslImportOutcome ImportFile(string path)
    {
        string content;
        try
        {
            content = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var problems = new DslProblemList(Path.GetFileName(path));
            problems.Error(null, null, $"cannot read the file: {e.Message}");
            return Failed(problems, null);
        }
        return Import(content, Path.GetFileName(path));
    }

    public DslImportOutcome Import(string content, string fileName)
    {
        var problems = new DslProblemList(fileName);
        if (!DslSourceReader.TryRead(content, problems, out var rootNode)) return Failed(problems, null);
        if (rootNode is not JsonObject root)
        {
            problems.Error(null, null, "the file content must be a mapping (an object with version, kind, app, ...)");
            return Failed(problems, null);
        }

        var version = ReadVersion(root, problems);
        if (version is null) return Failed(problems, null);
        var status = DslVersion.Compatibility(version);
        if (status == DslImportStatus.Failed)
        {
            problems.Error(null, "version", $"invalid DSL version '{version}'");
            return Failed(problems, version);
        }
        ReportVersion(status, version, problems);

        var document = new DslDocumentReader(problems).Read(root, version);
        if (document is null || problems.HasErrors) return Failed(problems, version);
        if (status == DslImportStatus.Completed && problems.All.Count > 0) status = DslImportStatus.CompletedWithWarnings;
        return new DslImportOutcome(status, document, problems.All, version, null);
    }

    /// <summary>Imports or throws <see cref="DslValidationException"/> listing every problem.</summary>
    public DslDocument ImportOrThrow(string content, string fileName)
    {
        var outcome = Import(content, fileName);
        return outcome.Document ?? throw new DslValidationException(outcome.Problems);
    }

    // Dify defaults a missing version to 0.1.0 and refuses non-strings: `version: 0.1` is the float 0.1.
    private static string? ReadVersion(JsonObject root, DslProblemList problems)
    {
        var node = root["version"];
        if (node is null) return "0.1.0";
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            return text.Length == 0 ? "0.1.0" : text;
        }
        problems.Error(null, "version", $"version must be a string such as \"{DslVersion.Current}\", not {node.ToJsonString()}; quote it");
        return null;
    }

    private static void ReportVersion(DslImportStatus status, string version, DslProblemList problems)
    {
        if (status == DslImportStatus.Pending)
            problems.Warning(null, "version", $"DSL version {version} differs in major version from or is newer than {DslVersion.Current}; confirm before use");
        else if (status == DslImportStatus.CompletedWithWarnings)
            problems.Warning(null, "version", $"DSL version {version} is older than {DslVersion.Current}; old shapes were upgraded");
    }

    private static DslImportOutcome Failed(DslProblemList problems, string? version)
    {
        var errors = problems.All.Where(p => !p.IsWarning).ToList();
        var summary = errors.Count == 1 ? errors[0].ToString() : $"{errors.Count} problems: {string.Join("; ", errors)}";
        return new DslImportOutcome(DslImportStatus.Failed, null, problems.All, version, summary);
    }
}
