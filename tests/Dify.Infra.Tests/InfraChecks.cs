using System.Text.RegularExpressions;
using Dify.Infra.Tests.Bicep;

namespace Dify.Infra.Tests;

/// <summary>
/// The consistency checks, each returning the problems it found (empty: consistent). The tests run them
/// on the repository's files and on broken inputs, to show that each can fail.
/// </summary>
public static partial class InfraChecks
{
    /// <summary>Every module call passes only params its file declares, and every param without a default.</summary>
    public static List<string> ModuleParams(BicepTree tree)
    {
        var problems = new List<string>(tree.LoadProblems);
        foreach (var file in tree.Files)
        {
            foreach (var module in file.Modules)
            {
                var target = tree.Target(file, module);
                if (target is null)
                    continue;
                var where = $"{BicepTree.Name(file)}: module '{module.Symbol}' ({module.Path})";
                if (module.BodyOpen < 0)
                {
                    problems.Add($"{where}: no body found");
                    continue;
                }
                var paramsOpen = file.ObjectValue(module.BodyOpen, "params");
                var passed = paramsOpen < 0 ? [] : file.Keys(paramsOpen).Keys.ToHashSet(StringComparer.Ordinal);
                var declared = target.Params.ToDictionary(p => p.Name, StringComparer.Ordinal);
                foreach (var name in passed.Where(n => !declared.ContainsKey(n)).Order(StringComparer.Ordinal))
                    problems.Add($"{where}: passes '{name}', which is not a param of {BicepTree.Name(target)}");
                foreach (var p in target.Params.Where(p => !p.Optional && !passed.Contains(p.Name)))
                    problems.Add($"{where}: does not pass required param '{p.Name}'");
            }
        }
        return problems;
    }

    /// <summary>Every <c>m.outputs.x</c> names a module declared in the same file that has an output <c>x</c>.</summary>
    public static List<string> ModuleOutputs(BicepTree tree)
    {
        var problems = new List<string>();
        foreach (var file in tree.Files)
        {
            var modules = file.Modules.ToDictionary(m => m.Symbol, StringComparer.Ordinal);
            foreach (var (symbol, output) in file.OutputReferences().Distinct())
            {
                if (!modules.TryGetValue(symbol, out var module))
                {
                    problems.Add($"{BicepTree.Name(file)}: '{symbol}.outputs.{output}' refers to no module '{symbol}'");
                    continue;
                }
                var target = tree.Target(file, module);
                if (target is not null && !target.Outputs.Contains(output))
                    problems.Add($"{BicepTree.Name(file)}: '{symbol}.outputs.{output}' but {BicepTree.Name(target)} has no output '{output}'");
            }
        }
        return problems;
    }

    /// <summary>Every resource type carries an API version (nested child declarations are not used here).</summary>
    public static List<string> ApiVersions(BicepTree tree) =>
        tree.Files.SelectMany(f => f.Resources
                .Where(r => r.ApiVersion is null || !ApiVersionRegex().IsMatch(r.ApiVersion))
                .Select(r => $"{BicepTree.Name(f)}: resource '{r.Symbol}' type '{r.Type}' has no valid API version ('{r.ApiVersion}')"))
            .ToList();

    /// <summary>
    /// Every role assignment sets principalId, principalType and roleDefinitionId, and is scoped to a
    /// resource declared in the same file.
    /// </summary>
    public static List<string> RoleAssignments(BicepTree tree)
    {
        var problems = new List<string>();
        foreach (var file in tree.Files)
        {
            var symbols = file.Resources.Select(r => r.Symbol).ToHashSet(StringComparer.Ordinal);
            foreach (var r in file.Resources.Where(r => r.Type == "Microsoft.Authorization/roleAssignments" && !r.Existing))
            {
                var where = $"{BicepTree.Name(file)}: role assignment '{r.Symbol}'";
                var body = file.Keys(r.BodyOpen);
                if (!body.TryGetValue("scope", out var scopeAt))
                {
                    problems.Add($"{where}: has no scope");
                }
                else
                {
                    var scope = file.Text.ValueText(scopeAt);
                    if (!symbols.Contains(scope))
                        problems.Add($"{where}: scope '{scope}' is not a resource declared in the file");
                }
                var props = file.ObjectValue(r.BodyOpen, "properties");
                if (props < 0)
                {
                    problems.Add($"{where}: has no properties");
                    continue;
                }
                var keys = file.Keys(props);
                foreach (var required in new[] { "principalId", "principalType", "roleDefinitionId" })
                {
                    if (!keys.TryGetValue(required, out var at))
                        problems.Add($"{where}: has no {required}");
                    else if (file.Text.ValueText(at) is "''" or "")
                        problems.Add($"{where}: {required} is empty");
                }
            }
        }
        return problems;
    }

    /// <summary>The keys of the function app's <c>Microsoft.Web/sites/config</c> 'appsettings' resource.</summary>
    public static IReadOnlyCollection<string> FunctionAppSettings(BicepTree tree)
    {
        var found = tree.Files.SelectMany(f => f.Resources
                .Where(r => r.Type == "Microsoft.Web/sites/config" && !r.Existing
                    && f.Keys(r.BodyOpen).TryGetValue("name", out var at) && f.Text.ValueText(at) == "'appsettings'")
                .Select(r => (File: f, Resource: r)))
            .ToList();
        if (found.Count != 1)
            throw new InvalidOperationException($"expected one appsettings config resource, found {found.Count}");
        var (file, resource) = found[0];
        var props = file.ObjectValue(resource.BodyOpen, "properties");
        return props < 0 ? [] : file.Keys(props).Keys.ToList();
    }

    /// <summary>
    /// Local settings against Azure settings. A local key is covered by the same key in Azure or by
    /// identity-based sub-keys (<c>AzureWebJobsStorage</c> by <c>AzureWebJobsStorage__credential</c>...), and
    /// the other way round. Keys in <paramref name="localOnly"/> / <paramref name="azureOnly"/> are exempt.
    /// </summary>
    public static List<string> SettingsAgree(IReadOnlyCollection<string> local, IReadOnlyCollection<string> azure,
        IReadOnlySet<string> localOnly, IReadOnlySet<string> azureOnly)
    {
        var problems = new List<string>();
        foreach (var key in local.Where(k => !localOnly.Contains(k)))
        {
            if (!azure.Any(a => a == key || a.StartsWith(key + "__", StringComparison.Ordinal)))
                problems.Add($"'{key}' is in local.settings.sample.json but the function app module does not set it");
        }
        foreach (var key in azure.Where(k => !azureOnly.Contains(k)))
        {
            if (!local.Any(l => l == key || key.StartsWith(l + "__", StringComparison.Ordinal)))
                problems.Add($"'{key}' is set by the function app module but missing from local.settings.sample.json");
        }
        foreach (var key in localOnly.Where(k => azure.Contains(k)))
            problems.Add($"'{key}' is listed as local-only but the function app module sets it");
        foreach (var key in azureOnly.Where(k => local.Contains(k)))
            problems.Add($"'{key}' is listed as Azure-only but local.settings.sample.json has it");
        return problems;
    }

    /// <summary>
    /// Environment variables a hook script reads: <c>$NAME</c>/<c>${NAME...}</c> in sh, <c>$env:NAME</c> in
    /// PowerShell; upper-case names only, minus those the script assigns itself.
    /// </summary>
    public static IReadOnlySet<string> HookReads(string script, bool powershell)
    {
        var text = string.Join('\n', script.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        if (powershell)
            return PwshEnvRegex().Matches(text).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var assigned = ShAssignRegex().Matches(text).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        return ShVarRegex().Matches(text).Select(m => m.Groups["name"].Value)
            .Where(n => !assigned.Contains(n)).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-preview)?$")]
    private static partial Regex ApiVersionRegex();

    [GeneratedRegex(@"\$env:(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex PwshEnvRegex();

    [GeneratedRegex(@"\$\{?(?<name>[A-Z][A-Z0-9_]*)")]
    private static partial Regex ShVarRegex();

    [GeneratedRegex(@"(?:^|[\s;])(?:export\s+|local\s+|readonly\s+)?(?<name>[A-Z][A-Z0-9_]*)=", RegexOptions.Multiline)]
    private static partial Regex ShAssignRegex();
}
