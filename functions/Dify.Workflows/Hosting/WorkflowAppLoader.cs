using System.Security.Cryptography;
using System.Text;
using Dify.Workflows.Dsl;
using Dify.Workflows.Dsl.EasyApps;
using Dify.Workflows.Engine.Definition;

namespace Dify.Workflows.Hosting;

/// <summary>An app file imported and compiled: the import outcome (Dify's result), the executable definition, every problem.</summary>
public sealed record LoadedApp(DslImportOutcome Import, WorkflowDefinition? Definition, IReadOnlyList<DslProblem> Problems)
{
    public bool Succeeded => Definition is not null;
    public IEnumerable<DslProblem> Errors => Problems.Where(p => !p.IsWarning);
}

/// <summary>Imports a DSL file and compiles its graph; the definition key is a hash of the file, so each version is distinct.</summary>
public sealed class WorkflowAppLoader(DslImporter importer, WorkflowCompiler compiler)
{
    public LoadedApp Load(string content, string fileName)
    {
        var outcome = importer.Import(content, fileName);
        if (outcome.Document is not { } document) return new LoadedApp(outcome, null, outcome.Problems);
        // Easy-UI apps (chat, agent-chat, completion) run as the graph Dify would build from their model_config.
        var executable = document.App.Mode.HasGraph() ? document : document with { Graph = ModelConfigGraphBuilder.Build(document) };
        var (definition, problems) = compiler.Compile(executable, KeyOf(content), fileName);
        return new LoadedApp(outcome, definition, [.. outcome.Problems, .. problems]);
    }

    public LoadedApp LoadFile(string path) => Load(File.ReadAllText(path), Path.GetFileName(path));

    public static string KeyOf(string content) =>
        "wf-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..32];
}
