using System.Text.Json;
using Dify.Infra.Tests.Bicep;

namespace Dify.Infra.Tests;

/// <summary>Paths into the repository (found by walking up to Dify.Functions.sln) and its parsed infra.</summary>
public static class Repo
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Dify.Functions.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("repository root (Dify.Functions.sln) not found above " + AppContext.BaseDirectory);
    });

    private static readonly Lazy<BicepTree> MainTree = new(() => new BicepTree(Path.Combine(RootPath.Value, "infra", "main.bicep")));

    public static string Root => RootPath.Value;

    public static BicepTree Infra => MainTree.Value;

    public static string File(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => System.IO.File.ReadAllText(File(relative));

    /// <summary>The keys under "Values" of local.settings.sample.json.</summary>
    public static IReadOnlyCollection<string> LocalSettingKeys()
    {
        using var doc = JsonDocument.Parse(Read("local.settings.sample.json"));
        return doc.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();
    }
}
